-- One row per refresh token that we issued (RFC 9700 4.14.2).
-- A login starts a family; each refresh marks its token used and adds
-- the next one to the same family.  Times are seconds since the epoch,
-- as in the tokens themselves.
CREATE TABLE IF NOT EXISTS `jwtauth_refresh_token` (
  `jti` char(32) CHARACTER SET ascii NOT NULL,
  `family` char(32) CHARACTER SET ascii NOT NULL,
  `user_id` bigint NOT NULL,
  `issued_at` bigint NOT NULL,
  `expires_at` bigint NOT NULL,
  `used_at` bigint DEFAULT NULL,
  `revoked_at` bigint DEFAULT NULL,
  PRIMARY KEY (`jti`),
  KEY `family` (`family`),
  KEY `user_id` (`user_id`),
  KEY `expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
