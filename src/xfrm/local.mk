# src/xfrm: the kernel IPsec manager (libpcscf-xfrm.a).
