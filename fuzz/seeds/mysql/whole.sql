-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `pasien`;
CREATE TABLE `pasien` (
  `no_rm` varchar(255) DEFAULT NULL,
  `nik` varchar(255) DEFAULT NULL,
  `nama_lengkap` varchar(255) DEFAULT NULL,
  `tgl_lahir` varchar(255) DEFAULT NULL,
  `no_hp` varchar(255) DEFAULT NULL,
  `email` varchar(255) DEFAULT NULL,
  `alamat` varchar(255) DEFAULT NULL,
  PRIMARY KEY (`no_rm`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `pasien` WRITE;
INSERT INTO `pasien` VALUES ('RM001','3201014107900001','Siti Nurhaliza, S.E.','01-07-1990','0812-3456-7890','siti@example.com','Jl. Mawar 1, Bandung'),('RM002','\'3174 0512 0388 0003','Budi Santoso','1988-03-12','+62 813 1111 2222','budi.santoso@gmail.com','Jl. Melati'),('RM003','3578011505850002','Agus Salim','15/05/1985',NULL,'AGUS@EXAMPLE.CO.ID','Surabaya'),('RM004',NULL,'Dewi Lestari',NULL,'085712345678 / 0813 9999 0000',NULL,'Jl. Kenanga\nNo. 5'),('RM005','3273015506920001','Rina Wati','15 Juni 1992','0821-0000-1111','rina@example.com','Bandung');
UNLOCK TABLES;
