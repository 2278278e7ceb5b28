"""Operating the system: migrations, serving one process, running all four, PostgreSQL setup."""
