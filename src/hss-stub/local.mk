# src/hss-stub: S-CSCF/registrar with an embedded HSS.
