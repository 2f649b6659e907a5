"""Program definitions shipped with rollstats (TOML files)."""
