from paragon_desktop.cli import main

raise SystemExit(main())
