"""Storage: the tables, the database, the ledger (the single door) and what reads and checks it."""
