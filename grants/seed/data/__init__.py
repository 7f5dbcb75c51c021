"""Demo content: plain Python data, no database access (the loader is grants.seed.demo)."""
