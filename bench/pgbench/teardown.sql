-- bench/compare: drop the scratch schema setup.sql made (bench_compare).
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_compare CASCADE;
