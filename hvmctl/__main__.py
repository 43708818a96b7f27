from hvmctl.cli.main import main

raise SystemExit(main())
