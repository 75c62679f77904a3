"""Settings of the DRF + SimpleJWT verifier: jwtauth's MariaDB (the
stack's socket, its jwtauth user) and SimpleJWT set up as a site would
set it up to trust jwtauth: the public key from `jwtauth-admin pubkey`
for RS256 and ES256, the same secret for HS256."""
import os
import secrets

import verifier
import e2e

_alg = verifier.stack_alg()
if _alg.startswith('HS'):
    _signing, _verifying = e2e.secret().decode('latin-1'), ''
else:
    # SimpleJWT never signs here: a random signing key it cannot use
    # against us, and our public key to verify with.
    _signing, _verifying = secrets.token_hex(32), verifier.public_pem()

with open(os.path.join(e2e.VAR, 'db_password')) as _fh:
    _db_password = _fh.read().strip()

SECRET_KEY = secrets.token_hex(32)
DEBUG = False
ALLOWED_HOSTS = ['testserver']
USE_TZ = True
INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'rest_framework',
]
MIDDLEWARE = []
ROOT_URLCONF = 'drf.urls'
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.mysql',
        'NAME': 'jwtauth',
        'USER': 'jwtauth',
        'PASSWORD': _db_password,
        'HOST': 'localhost',
        'OPTIONS': {'unix_socket': os.path.join(e2e.VAR, 'run', 'mysqld.sock')},
    }
}
REST_FRAMEWORK = {
    'DEFAULT_AUTHENTICATION_CLASSES': [
        'rest_framework_simplejwt.authentication.JWTAuthentication',
    ],
    'DEFAULT_PERMISSION_CLASSES': [
        'rest_framework.permissions.IsAuthenticated',
    ],
    'UNAUTHENTICATED_USER': None,
}
SIMPLE_JWT = {
    'ALGORITHM': _alg,
    'SIGNING_KEY': _signing,
    'VERIFYING_KEY': _verifying,
    'AUTH_HEADER_TYPES': ('Bearer',),
    # jwtauth's claim names (docs/api.md); SimpleJWT's defaults too,
    # spelt out because they are the contract.
    'USER_ID_FIELD': 'id',
    'USER_ID_CLAIM': 'user_id',
    'TOKEN_TYPE_CLAIM': 'token_type',
    'JTI_CLAIM': 'jti',
}
