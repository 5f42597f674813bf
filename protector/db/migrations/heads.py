# The newest migration; protector-status compares the database with it.
HEAD = '0005'
