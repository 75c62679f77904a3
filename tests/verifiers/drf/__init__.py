"""A minimal Django project that trusts jwtauth's tokens through Django
REST framework and SimpleJWT, on jwtauth's own database (auth_user):
what a site adds beside jwtauth to check its tokens in Python."""
