-- One row per failed login, for the throttle (lib/throttle.c): failures
-- are counted per username and per client address within the window
-- ([login] failure_window), by every worker of every host alike since
-- they all read this table.  `at` is the database's clock in seconds
-- since the epoch; a success moves its username's rows to at = 0 (out
-- of every window), and old rows are purged a few at a time by the
-- programs and all at once by `jwtauth-admin purge`.
--
-- The username is the one typed, cut to the column's 150 characters,
-- with the collation of Django's auth_user.username, so that the case
-- variants that find one user count as that user.  The address is the
-- canonical text of an IPv4 address or of an IPv6 /64 network.
CREATE TABLE IF NOT EXISTS `jwtauth_login_failure` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `username` varchar(150) COLLATE utf8mb4_unicode_ci NOT NULL,
  `address` varchar(64) COLLATE utf8mb4_bin NOT NULL,
  `at` bigint NOT NULL,
  PRIMARY KEY (`id`),
  KEY `username_at` (`username`, `at`),
  KEY `address_at` (`address`, `at`),
  KEY `at` (`at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
