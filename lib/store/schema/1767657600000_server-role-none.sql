-- Up Migration
-- A per-server role 'none' hides a server from a user: not listed, and its pages and API answer
-- as for an id that does not exist. Only as a per-server override; the default role stays one of
-- viewer, operator, admin.
ALTER TABLE user_server_roles DROP CONSTRAINT user_server_roles_role_check;
ALTER TABLE user_server_roles ADD CONSTRAINT user_server_roles_role_check
  CHECK (role IN ('none', 'viewer', 'operator', 'admin'));

-- Down Migration
DELETE FROM user_server_roles WHERE role = 'none';
ALTER TABLE user_server_roles DROP CONSTRAINT user_server_roles_role_check;
ALTER TABLE user_server_roles ADD CONSTRAINT user_server_roles_role_check
  CHECK (role IN ('viewer', 'operator', 'admin'));
