"""A hasher for OAuth client secrets, which are 128 random characters, not passwords.

Key stretching protects guessable passwords; a random secret of that length cannot be guessed, and
a million PBKDF2 rounds per /o/token/ call would only let anyone with a client_id burn our CPU.
The secret is still stored salted and hashed, never in plain text.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class ClientSecretHasher(PBKDF2PasswordHasher):
    algorithm = "client_secret_pbkdf2_sha256"
    iterations = 1
