-- Failures of a known user counted by its id (issue 13, item 4).
--
-- A known user's rows have user_id = its id and username = '': every
-- spelling that finds the user (case, trailing spaces, ignorable
-- characters of the collation) shares one count and one lockout.  An
-- unknown name keeps user_id = 0 and the name as typed, cut to 150
-- characters; a registration's row (it counts against its address
-- only) has user_id = -1.
--
-- seq numbers a key's login attempts: an attempt is recorded before
-- its password is hashed, as (user_id, username, seq) with seq one more
-- than the largest that the attempt's lookup saw.  Two attempts that
-- read the same state claim the same seq and the unique key lets one
-- through: the limit holds under concurrency without a lock or a
-- transaction.  Rows written before this migration and registrations
-- have no seq (NULL, which the unique key allows any number of).
ALTER TABLE `jwtauth_login_failure`
  ADD COLUMN `user_id` bigint NOT NULL DEFAULT 0 AFTER `id`,
  ADD COLUMN `seq` bigint DEFAULT NULL AFTER `address`;
UPDATE `jwtauth_login_failure` AS f JOIN `{{users_table}}` AS u
  ON u.username = f.username
  SET f.user_id = u.id, f.username = '';
ALTER TABLE `jwtauth_login_failure`
  ADD UNIQUE KEY `key_seq` (`user_id`, `username`, `seq`),
  ADD KEY `user_at` (`user_id`, `username`, `at`);
