--
-- PostgreSQL database dump
--

\restrict jqYtgJE2eNF6ZeKyoUOvkRIG5kgIBVSmi1VcOZe7oqtQNIUK7DosLYanNRpw28I

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: dumpdemo; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA dumpdemo;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: Clients; Type: TABLE; Schema: dumpdemo; Owner: -
--

CREATE TABLE dumpdemo."Clients" (
    id integer NOT NULL,
    full_name text NOT NULL,
    iin character varying(12),
    email text,
    note text,
    payload jsonb,
    avatar bytea,
    CONSTRAINT iin_len CHECK ((length((iin)::text) = 12))
);


--
-- Name: orders; Type: TABLE; Schema: dumpdemo; Owner: -
--

CREATE TABLE dumpdemo.orders (
    id integer,
    client_id integer,
    total numeric(12,2)
);


--
-- Data for Name: Clients; Type: TABLE DATA; Schema: dumpdemo; Owner: -
--

INSERT INTO dumpdemo."Clients" VALUES (1, 'Серикова Айгуль', '860904350504', 'a.serikova@example.kz', 'line one
line	two \ back', '{"phone": "+7 701 123 45 67"}', '\x00ff');
INSERT INTO dumpdemo."Clients" VALUES (2, 'O''Brien John', NULL, 'john@example.kz', 'it''s', NULL, NULL);
INSERT INTO dumpdemo."Clients" VALUES (3, 'Иванов Иван', '860904350504', NULL, '', '{}', '\xd098d098d09d20383630393034333530353034');


--
-- Data for Name: orders; Type: TABLE DATA; Schema: dumpdemo; Owner: -
--

INSERT INTO dumpdemo.orders VALUES (10, 1, 12.50);
INSERT INTO dumpdemo.orders VALUES (11, 2, 7.00);


--
-- Name: Clients Clients_pkey; Type: CONSTRAINT; Schema: dumpdemo; Owner: -
--

ALTER TABLE ONLY dumpdemo."Clients"
    ADD CONSTRAINT "Clients_pkey" PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict jqYtgJE2eNF6ZeKyoUOvkRIG5kgIBVSmi1VcOZe7oqtQNIUK7DosLYanNRpw28I

