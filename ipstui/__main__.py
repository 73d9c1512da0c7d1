from ipstui.cli import main

raise SystemExit(main())
