--
-- PostgreSQL database dump
--

SET standard_conforming_strings = on;

CREATE TABLE public.pasien (
    no_rm text,
    nik text,
    nama_lengkap text,
    tgl_lahir text,
    no_hp text,
    email text,
    alamat text
);

COPY public.pasien (no_rm, nik, nama_lengkap, tgl_lahir, no_hp, email, alamat) FROM stdin;
RM001	3201014107900001	Siti Nurhaliza, S.E.	01-07-1990	0812-3456-7890	siti@example.com	Jl. Mawar 1, Bandung
RM002	'3174 0512 0388 0003	Budi Santoso	1988-03-12	+62 813 1111 2222	budi.santoso@gmail.com	Jl. Melati
RM003	3578011505850002	Agus Salim	15/05/1985	\N	AGUS@EXAMPLE.CO.ID	Surabaya
RM004	\N	Dewi Lestari	\N	085712345678 / 0813 9999 0000	\N	Jl. Kenanga\nNo. 5
RM005	3273015506920001	Rina Wati	15 Juni 1992	0821-0000-1111	rina@example.com	Bandung
\.

