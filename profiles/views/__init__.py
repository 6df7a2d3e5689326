"""HTML pages: accounts (home, sign-up), my profiles, my goals. Each view fetches with permission, validates a
form, calls one service, and redirects."""
