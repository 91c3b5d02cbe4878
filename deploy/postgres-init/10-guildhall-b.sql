-- Run once by the postgres image when its data volume is first created
-- (files in /docker-entrypoint-initdb.d are ignored on later starts).
-- The first instance uses the database named by POSTGRES_DB (guildhall);
-- the second instance of the federation demo gets its own.
CREATE DATABASE guildhall_b OWNER guildhall;
