#!/usr/bin/env python
from shiyu.cli import main

if __name__ == "__main__":
    main()
