# web<1>&co: xm domain profile written by hvmctl
# live definition: machine pc-i440fx-7.2
# PCI slots: xvda=0x4
name = "web<1>&co"
builder = "hvm"
uuid = "3f2a0c5e-8d7b-4c1e-9a6f-0b1c2d3e4f50"
memory = 256
maxmem = 512
vcpus = 2
maxvcpus = 4
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd"
root = "/dev/vda1"
extra = "console=ttyS0 quiet"
boot = "dc"
disk = [
    "qcow2:/srv/web.qcow2,xvda,w",
    "phy:/dev/vg0/data,sdb,w",
    "file:/srv/iso/tools.iso,hdc:cdrom,r",
    "raw:/srv/ro.img,hdb,r",
]
vif = [
    "mac=00:16:3e:00:00:01, bridge=xenbr0, model=virtio",
    "mac=00:16:3e:00:00:02",
]
vfb = [
    "type=vnc,vncunused=0,vncdisplay=3,vnclisten=0.0.0.0",
]
serial = "pty"
acpi = 1
apic = 1
pae = 1
localtime = 1
usb = 0
stdvga = 0
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "coredump-restart"
