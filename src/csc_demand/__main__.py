from csc_demand.cli import main

raise SystemExit(main())
