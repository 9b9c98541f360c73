-- Separation of duties (三员分立): the system administrator (`admin`: accounts), the security
-- administrator (`security_admin`: roles, security policy, locks) and the audit administrator
-- (`audit_admin`: the audit log). The two new roles hold no enterprise data, so like the city's
-- roles they carry no scope column.
--
-- `role_pending`: an account the system administrator created waits, unable to sign in, until
-- the security administrator grants its role, so creating accounts never grants permissions.
ALTER TABLE users DROP CONSTRAINT users_check;
ALTER TABLE users ADD CONSTRAINT users_check CHECK (
    (role IN ('admin', 'security_admin', 'audit_admin', 'city_leader', 'city_analyst') AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
    (role = 'district_officer'    AND region_id IS NOT NULL AND park_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
    (role = 'park_officer'        AND park_id IS NOT NULL AND region_id IS NULL AND department_id IS NULL AND enterprise_id IS NULL) OR
    (role = 'department_handler'  AND department_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND enterprise_id IS NULL) OR
    (role = 'enterprise_reporter' AND enterprise_id IS NOT NULL AND region_id IS NULL AND park_id IS NULL AND department_id IS NULL)
);
ALTER TABLE users ADD COLUMN role_pending BIGINT NOT NULL DEFAULT 0;
