# src/common: small shared pieces (logging, hex, secrets).
