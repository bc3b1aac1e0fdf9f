#!/bin/sh
# Makes a throwaway PKI for the TLS tests in DIR: ca.{crt,key}, server.{crt,key} (SAN 127.0.0.1 and
# localhost, serverAuth) and client.{crt,key} (clientAuth), all signed by the CA, valid 2 days.
# Usage: make_test_certs.sh DIR
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" 2>/dev/null || { echo "make_test_certs: failed: $*" >&2; exit 1; }; }
quiet openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.crt -days 2 -subj /CN=assignd-test-ca \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
leaf() {  # NAME CN EXTENSIONS
  quiet openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$1.key" -out "$1.csr" -subj "/CN=$2"
  printf '%s\n' "$3" > "$1.ext"
  quiet openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out "$1.crt" -days 2 -extfile "$1.ext"
  rm -f "$1.csr" "$1.ext"
}
leaf server localhost "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
leaf client assignd-test-client "extendedKeyUsage=clientAuth"
