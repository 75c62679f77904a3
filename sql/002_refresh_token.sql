-- One row per refresh token that we issued (RFC 9700 4.14.2).
-- A login starts a family; each refresh marks its token used and adds
-- the next one to the same family.  Times are seconds since the epoch,
-- as in the tokens themselves.  The ids are utf8mb4_bin like the
-- connection, so that a bound parameter compares on the primary key
-- without a conversion (which would make InnoDB scan another index and
-- lock its gaps).
CREATE TABLE IF NOT EXISTS `jwtauth_refresh_token` (
  `jti` char(32) COLLATE utf8mb4_bin NOT NULL,
  `family` char(32) COLLATE utf8mb4_bin NOT NULL,
  `user_id` bigint NOT NULL,
  `issued_at` bigint NOT NULL,
  `expires_at` bigint NOT NULL,
  `used_at` bigint DEFAULT NULL,
  `revoked_at` bigint DEFAULT NULL,
  PRIMARY KEY (`jti`),
  KEY `family` (`family`),
  KEY `user_id` (`user_id`),
  KEY `expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
