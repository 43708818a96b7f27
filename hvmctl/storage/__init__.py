"""Storage: disk images, sparse copies, moving guests between hosts, reading boot files.

- ``images``     create raw (sparse) and qcow2 images, describe them, probe their format
- ``sparse``     find the data in a file (SEEK_DATA/SEEK_HOLE) so holes stay holes
- ``bundle``     ``export``/``import``: a profile and its images in one GNU-tar compatible bundle
- ``blockio``    read a raw or qcow2 image, its partitions (MBR/GPT)
- ``fat``/``extfs`` read files from FAT and ext2/3/4 filesystems offline, without mounting
- ``bootloader`` what pygrub did: find the grub menu in the image and extract kernel/initrd
- ``convert``    port a PV profile to HVM
- ``hotplug``    block-attach/detach on a running guest

Nothing here imports FastAPI or rich at module level: the CLI imports parts of it.
"""
