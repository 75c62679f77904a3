#!/usr/bin/python3
"""jwtauth-admin, every subcommand, against the stack's database: exit
status (0 done, 1 failed, 2 usage), output, messages ("jwtauth-admin:
<command>: <what>") and what it changed, migrations from directories of
its own included."""
import os
import stat
import subprocess
import tempfile
import time

from e2e import (ok, done, admin, login, request, bearer, sql, user_id, ROOT)

TAG = f'{os.getpid() % 100000}{int(time.time()) % 100000}'
U = f'adm-{TAG}'


def says(r, code, text=None, stream='stderr'):
    out = getattr(r, stream)
    return r.returncode == code and (text is None or text in out)


# Usage: no command, an unknown one, help.
r = admin()
ok(says(r, 2, 'usage: jwtauth-admin'), 'admin: no command: usage, exit 2', r)
r = admin('frobnicate')
ok(says(r, 2, 'unknown command "frobnicate"') and 'usage:' in r.stderr,
   'admin: an unknown command: exit 2', r)
r = admin('help')
ok(says(r, 0, 'passwd USER', 'stdout') and 'deactivate USER' in r.stdout and
   'purge' in r.stdout and 'Exit status' in r.stdout, 'admin: help on stdout, exit 0', r)
for args in (('createuser', U), ('passwd',), ('activate', 'a', 'b'), ('deactivate',),
             ('list', 'x'), ('purge', 'x'), ('hash', 'x'), ('genkey',), ('migrate', 'x')):
    r = admin(*args)
    ok(says(r, 2, 'usage:'), f'admin: {" ".join(args)}: wrong arguments, exit 2', r)
r = admin('createuser', U)
ok(r.stderr == 'usage: jwtauth-admin [-c config] createuser [-i] USER EMAIL\n',
   "admin: wrong arguments: that command's synopsis, one line", r)
r = admin('passwd', '-x', U)
ok(says(r, 2, 'usage: jwtauth-admin [-c config] passwd USER'),
   'admin: an option the command does not take: exit 2', r)
EXE = os.path.join(ROOT, os.environ.get('BUILD', 'build'), 'bin', 'jwtauth-admin')
r = subprocess.run([EXE, '-c', '/nonexistent/jwtauth.conf', 'list'],
                   capture_output=True, text=True)
ok(r.returncode == 1 and r.stderr.startswith('jwtauth-admin: list: ') and
   '/nonexistent/jwtauth.conf' in r.stderr,
   'admin: a config that is not there: exit 1 naming the command and it', r)
r = subprocess.run([EXE, '-c', '/nonexistent/jwtauth.conf', 'list', 'x'],
                   capture_output=True, text=True)
ok(says(r, 2, 'usage:'), 'admin: wrong arguments are a usage error before the config', r)

# createuser.
sql(f"DELETE FROM auth_user WHERE username = '{U}'")
r = admin('createuser', U, f'{U}@example.com', stdin='first-pass-1\n')
ok(says(r, 0, f'created {U}', 'stdout'), 'admin: createuser exit 0', r)
ok(login(U, 'first-pass-1').status == 200, 'admin: the created user logs in')
r = admin('createuser', U, 'x@example.com', stdin='other-pass\n')
ok(says(r, 1, 'the username is taken'), 'admin: createuser of a taken name: exit 1', r)
r = admin('createuser', '-i', U, 'x@example.com', stdin='other-pass\n')
ok(says(r, 0), 'admin: createuser -i of a taken name: exit 0', r)
r = admin('createuser', f'{U}-e', 'x@example.com', stdin='\n')
ok(says(r, 1, 'empty password'), 'admin: createuser with an empty password: exit 1', r)

# passwd: the new password works, the old one does not, tokens end.
tok = login(U, 'first-pass-1').json()['access_token']
r = admin('passwd', U, stdin='second-pass-2\n')
ok(says(r, 0, f'password changed for {U}', 'stdout'), 'admin: passwd exit 0', r)
ok(login(U, 'first-pass-1').status == 401, 'admin: passwd: the old password 401')
ok(login(U, 'second-pass-2').status == 200, 'admin: passwd: the new password 200')
r = request('GET', '/api/profile', headers=bearer(tok))
ok(r.status == 401, 'admin: passwd: an access token from before is refused', r)
r = admin('passwd', f'nosuch-{TAG}', stdin='x-pass-123\n')
ok(r.returncode == 1 and r.stderr == f'jwtauth-admin: passwd: nosuch-{TAG}: no such user\n',
   'admin: passwd of no such user: exit 1, "jwtauth-admin: passwd: USER: no such user"', r)

# deactivate, activate.
tok = login(U, 'second-pass-2').json()['access_token']
r = admin('deactivate', U)
ok(says(r, 0, f'deactivated {U}', 'stdout'), 'admin: deactivate exit 0', r)
ok(sql(f"SELECT is_active FROM auth_user WHERE username = '{U}'") == ['0'],
   'admin: deactivate: is_active 0')
ok(login(U, 'second-pass-2').status == 401, 'admin: deactivated: login 401')
ok(request('GET', '/api/profile', headers=bearer(tok)).status == 401,
   "admin: deactivated: the user's token is refused")
r = admin('activate', U)
ok(says(r, 0, f'activated {U}', 'stdout'), 'admin: activate exit 0', r)
ok(login(U, 'second-pass-2').status == 200, 'admin: activated: login 200')
r = admin('activate', U)
ok(says(r, 0), 'admin: activate of an active user: exit 0 (idempotent)', r)
for cmd in ('activate', 'deactivate'):
    r = admin(cmd, f'nosuch-{TAG}')
    ok(says(r, 1, 'no such user'), f'admin: {cmd} of no such user: exit 1', r)

# list.
r = admin('list')
lines = r.stdout.splitlines()
mine = [l.split('\t') for l in lines if l.split('\t')[1:2] == [U]]
ok(r.returncode == 0 and lines[0] == 'id\tusername\temail\tactive\tlast_login',
   'admin: list: exit 0 and a header', lines[:2])
ok(len(mine) == 1 and mine[0][0] == str(user_id(U)) and mine[0][2] == f'{U}@example.com'
   and mine[0][3] == 'yes' and mine[0][4].endswith('Z'),
   'admin: list: the user with id, email, active, last_login', mine)
ok(any(l.split('\t')[1:2] == ['alice'] for l in lines), 'admin: list: alice too')
admin('deactivate', U)
mine = [l.split('\t') for l in admin('list').stdout.splitlines() if l.split('\t')[1:2] == [U]]
ok(mine and mine[0][3] == 'no', 'admin: list: an inactive user says no', mine)

# hash.
r = admin('hash', stdin='hash-me-please\n')
ok(r.returncode == 0 and r.stdout.startswith('pbkdf2_sha256$20000$') and
   len(r.stdout.strip().split('$')) == 4, "admin: hash: a Django hash with the config's cost", r)
r = admin('hash', stdin='')
ok(says(r, 1, 'empty password'), 'admin: hash of nothing: exit 1', r)

# migrate: applied already, so nothing to do, and again.
r = admin('migrate', '-s', os.path.join(ROOT, 'sql'))
ok(r.returncode == 0 and r.stdout == '', 'admin: migrate: nothing new, exit 0', r)
ok(sql("SELECT COUNT(*) FROM jwtauth_migration WHERE name = '003_login_failure.sql'") == ['1'],
   'admin: migrate: 003 recorded once')

# migrate from a directory of our own: every file in name order, each once,
# {{users_table}} substituted; files that are not migrations are left alone.
SQL_FILE_MAX = 256 * 1024   # tools/jwtauth-admin.c, and its help


def sql_dir(files):
    d = tempfile.mkdtemp()
    for name, text in files.items():
        with open(os.path.join(d, name), 'w') as fh:
            fh.write(text)
    return d


def recorded(name):
    return sql(f"SELECT COUNT(*) FROM jwtauth_migration WHERE name = '{name}'") == ['1']


def table_there(name):
    return sql(f"SHOW TABLES LIKE '{name}'") == [name]


MA, MB = f'0001-{TAG}-a.sql', f'0002-{TAG}-b.sql'
d = sql_dir({
    MB: f"INSERT INTO adm_mig_{TAG} VALUES (1);\n"
        f"-- a comment; the next one counts the users table\n"
        f"INSERT INTO adm_mig_{TAG} SELECT COUNT(*) FROM `{{{{users_table}}}}`;\n",
    MA: f"-- made before {MB} fills it\nCREATE TABLE adm_mig_{TAG} (n int NOT NULL);\n",
    'notes.txt': 'not SQL;',
    f'{TAG}.sql.orig': 'SELEKT;',
})
r = admin('migrate', '-s', d)
ok(r.returncode == 0 and r.stdout == f'applied {MA}\napplied {MB}\n' and r.stderr == '',
   'admin: migrate -s DIR: both files, in name order', r)
ok(sql(f"SELECT COUNT(*) FROM adm_mig_{TAG}") == ['2'] and
   sql(f"SELECT n FROM adm_mig_{TAG} WHERE n <> 1") == sql("SELECT COUNT(*) FROM auth_user"),
   'admin: migrate: every statement ran, {{users_table}} substituted')
ok(recorded(MA) and recorded(MB), 'admin: migrate: both recorded')
r = admin('migrate', '-s', d)
ok(r.returncode == 0 and r.stdout == '' and
   sql(f"SELECT COUNT(*) FROM adm_mig_{TAG}") == ['2'],
   'admin: migrate again: nothing applied twice', r)

# A failing statement: exit 1, one line naming the file and the line, not recorded.
MC = f'0003-{TAG}-c.sql'
d2 = sql_dir({MC: f"INSERT INTO adm_mig_{TAG} VALUES (3);\n\nSELEKT 1;\n"})
r = admin('migrate', '-s', d2)
ok(r.returncode == 1 and r.stderr.startswith(f'jwtauth-admin: migrate: {d2}/{MC}: line 3: ') and
   r.stderr.count('\n') == 1 and not recorded(MC),
   'admin: migrate: a failing statement: exit 1, the file and line, not recorded', r)

# A file over the limit is an error naming it, never cut and run; one of
# exactly the limit runs whole (its last byte is the ';' of its statement).
big, edge = f'0004-{TAG}-big.sql', f'0005-{TAG}-edge.sql'
stmt = f"CREATE TABLE adm_big_{TAG} (n int);\n"
d3 = sql_dir({big: '-- ' + 'x' * SQL_FILE_MAX + '\n' + stmt})
r = admin('migrate', '-s', d3)
ok(r.returncode == 1 and r.stdout == '' and
   r.stderr == f'jwtauth-admin: migrate: {d3}/{big}: longer than the limit of '
               f'{SQL_FILE_MAX} bytes\n',
   'admin: migrate: a file over 256 KiB: exit 1, one line naming the file', r)
ok(not recorded(big) and not table_there(f'adm_big_{TAG}'),
   'admin: migrate: the file over the limit ran nothing and is not recorded')
stmt = f"CREATE TABLE adm_edge_{TAG} (n int);"
d4 = sql_dir({edge: '-- ' + 'x' * (SQL_FILE_MAX - len(stmt) - 4) + '\n' + stmt})
ok(os.path.getsize(os.path.join(d4, edge)) == SQL_FILE_MAX, 'admin: the edge file is 256 KiB')
r = admin('migrate', '-s', d4)
ok(r.returncode == 0 and r.stdout == f'applied {edge}\n' and table_there(f'adm_edge_{TAG}'),
   'admin: migrate: a file of exactly 256 KiB runs whole, its last byte too', r)

sql(f"DROP TABLE IF EXISTS adm_mig_{TAG}, adm_big_{TAG}, adm_edge_{TAG}")
sql(f"DELETE FROM jwtauth_migration WHERE name LIKE '%-{TAG}-%'")
for dd in (d, d2, d3, d4):
    for f in os.listdir(dd):
        os.unlink(os.path.join(dd, f))
    os.rmdir(dd)

# purge: expired refresh rows and failures out of the window go; live ones stay.
uid = user_id(U)
now = int(time.time())
sql(f"INSERT INTO jwtauth_refresh_token (jti, family, user_id, issued_at, expires_at) VALUES "
    f"('{TAG:0>32}', '{TAG:0>32}', {uid}, {now - 100}, {now - 10}), "
    f"('{TAG:1>32}', '{TAG:1>32}', {uid}, {now}, {now + 1000})")
sql(f"INSERT INTO jwtauth_login_failure (username, address, at) VALUES "
    f"('{U}', 'adm', UNIX_TIMESTAMP() - 5000), ('{U}', 'adm', 0), "
    f"('{U}', 'adm', UNIX_TIMESTAMP())")
r = admin('purge')
ok(r.returncode == 0 and r.stdout.startswith('purged ') and 'refresh tokens' in r.stdout and
   'login failures' in r.stdout, 'admin: purge: exit 0 and counts', r)
ok(sql(f"SELECT jti FROM jwtauth_refresh_token WHERE user_id = {uid} AND jti LIKE '{TAG}%' "
       f"OR jti IN ('{TAG:0>32}', '{TAG:1>32}')") == [f'{TAG:1>32}'],
   'admin: purge: the expired refresh row went, the live one stayed')
ok(sql(f"SELECT COUNT(*) FROM jwtauth_login_failure WHERE username = '{U}'") == ['1'],
   'admin: purge: old and reset failures went, the recent one stayed')
r = admin('purge')
ok(r.returncode == 0, 'admin: purge again: exit 0', r)

# genkey.
d = tempfile.mkdtemp()
key = os.path.join(d, 'secret')
r = admin('genkey', key)
st = os.stat(key)
ok(r.returncode == 0 and stat.S_IMODE(st.st_mode) == 0o600 and st.st_size >= 33,
   'admin: genkey: a 0600 file of at least 32 bytes', (r, oct(st.st_mode)))
first = open(key).read()
r = admin('genkey', key)
ok(says(r, 1, key), 'admin: genkey onto an existing file: exit 1', r)
r = admin('genkey', '-f', key)
ok(r.returncode == 0 and open(key).read() != first, 'admin: genkey -f: a new secret', r)
os.unlink(key)
os.rmdir(d)

sql(f"DELETE FROM jwtauth_login_failure WHERE username = '{U}'")
sql(f"DELETE FROM jwtauth_refresh_token WHERE user_id = {uid}")
sql(f"DELETE FROM auth_user WHERE username = '{U}'")
done()
