//! The token step over TLS: the server's certificate ([`TlsIdentity`]: self-signed and kept in
//! the record directory, or a county's own), its SHA-256 fingerprint as a pin people type
//! ([`TlsPin`]), the server's rustls configuration, and the client's, which trusts exactly the
//! certificate whose fingerprint matches the pin ([`client_config`]).
//!
//! rustls does the protocol (TLS 1.3 only, the `ring` provider); rcgen makes the certificate.
//! Nothing here parses TLS by hand. The handshake's signatures are still verified with the
//! provider's algorithms: a pin stands in for the certificate chain, not for the proof that the
//! server holds the certificate's key.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// The certificate in the record directory (public).
pub const CERT_PEM: &str = "tls-cert.pem";
/// Its private key, readable by the owner only (mode 0600), like `access.json`.
pub const KEY_PEM: &str = "tls-key.pem";
/// The pin `serve` prints: the fingerprint's first bytes (128 bits), in groups of 4 hex digits.
pub const SHOWN_PIN_BYTES: usize = 16;
/// A typed pin is at least this many hex digits of the fingerprint (96 bits: no one makes a
/// certificate whose fingerprint starts with given 96 bits).
pub const MIN_PIN_HEX: usize = 24;
/// Certificate files are a few KB; a chain of a county's CA is at most tens.
const MAX_PEM_BYTES: u64 = 256 * 1024;

/// The ring provider: the one crypto of both sides.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A SHA-256 fingerprint of a DER certificate.
pub fn fingerprint(der: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Lower-case hex, grouped by 4 digits with dashes (`3f2a-9c1b-...`).
fn grouped_hex(bytes: &[u8]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let groups: Vec<&str> = hex.as_bytes().chunks(4).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    groups.join("-")
}

/// A certificate pin as typed: the leading hex digits (at least [`MIN_PIN_HEX`], at most all
/// 64) of the server certificate's SHA-256 fingerprint. Case, dashes, colons and spaces do not
/// matter, so `openssl x509 -fingerprint -sha256`'s `AB:CD:...` works as well as the short pin
/// `serve` prints.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsPin {
    /// Hex digits, lower case.
    hex: String,
}

impl TlsPin {
    pub fn parse(typed: &str) -> Result<TlsPin, String> {
        let hex: String =
            typed.chars().filter(|c| !matches!(c, '-' | ':' | ' ' | '_')).flat_map(char::to_lowercase).collect();
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) || !(MIN_PIN_HEX..=64).contains(&hex.len()) {
            return Err(format!(
                "证书指纹须为 {MIN_PIN_HEX}–64 位十六进制数字 / a TLS pin is {MIN_PIN_HEX} to 64 hex digits of the server certificate's SHA-256 fingerprint (dashes, colons and spaces are ignored), not `{typed}`"
            ));
        }
        Ok(TlsPin { hex })
    }

    /// The pin of a fingerprint, as `serve` shows it ([`SHOWN_PIN_BYTES`]).
    pub fn of(fingerprint: &[u8; 32]) -> TlsPin {
        TlsPin { hex: fingerprint[..SHOWN_PIN_BYTES].iter().map(|b| format!("{b:02x}")).collect() }
    }

    /// Whether `fingerprint` begins with this pin.
    pub fn matches(&self, fingerprint: &[u8; 32]) -> bool {
        let full: String = fingerprint.iter().map(|b| format!("{b:02x}")).collect();
        full.starts_with(&self.hex)
    }
}

impl std::str::FromStr for TlsPin {
    type Err = String;
    fn from_str(s: &str) -> Result<TlsPin, String> {
        TlsPin::parse(s)
    }
}

/// Grouped by 4 hex digits: `3f2a-9c1b-77e0-...`.
impl fmt::Display for TlsPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<&str> = self.hex.as_bytes().chunks(4).filter_map(|c| std::str::from_utf8(c).ok()).collect();
        write!(f, "{}", groups.join("-"))
    }
}

impl fmt::Debug for TlsPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TlsPin({self})")
    }
}

/// Where a server's certificate comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TlsSource {
    /// `tls-cert.pem` and `tls-key.pem` in the record directory, made (self-signed) if absent:
    /// a resumed drill keeps its pin.
    #[default]
    RecordDir,
    /// `--tls-cert FILE --tls-key FILE`: a county's own certificate (chain first the server's).
    Files { cert: PathBuf, key: PathBuf },
}

/// The server's certificate chain and key, and the first certificate's fingerprint.
pub struct TlsIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    fingerprint: [u8; 32],
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TlsIdentity {{ pin: {} }}", self.pin())
    }
}

impl TlsIdentity {
    /// The identity `source` names, for a drill recorded in `record_dir`.
    pub fn load(source: &TlsSource, record_dir: &Path) -> io::Result<TlsIdentity> {
        match source {
            TlsSource::RecordDir => TlsIdentity::in_record(record_dir),
            TlsSource::Files { cert, key } => TlsIdentity::from_files(cert, key),
        }
    }

    /// The record directory's certificate, made and written there (key mode 0600) when it has
    /// none. Both files or neither: one without the other is an error, never overwritten.
    pub fn in_record(dir: &Path) -> io::Result<TlsIdentity> {
        let (cert, key) = (dir.join(CERT_PEM), dir.join(KEY_PEM));
        match (cert.exists(), key.exists()) {
            (true, true) => return TlsIdentity::from_files(&cert, &key),
            (false, false) => {}
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {CERT_PEM} and {KEY_PEM} go together; one is missing", dir.display()),
                ));
            }
        }
        let made = rcgen::generate_simple_self_signed(vec!["sandtable".to_string()]).map_err(io::Error::other)?;
        super::write_private(&key, made.signing_key.serialize_pem().as_bytes())?;
        super::write_private(&cert, made.cert.pem().as_bytes())?;
        TlsIdentity::from_files(&cert, &key)
    }

    /// A certificate chain (PEM, the server's first) and its private key (PEM).
    pub fn from_files(cert: &Path, key: &Path) -> io::Result<TlsIdentity> {
        let cert_pem = read_small(cert)?;
        let key_pem = read_small(key)?;
        let bad = |path: &Path, what: String| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()))
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| bad(cert, format!("not a PEM certificate: {e}")))?;
        let first = chain.first().ok_or_else(|| bad(cert, "no certificate in the file".into()))?;
        let fingerprint = fingerprint(first.as_ref());
        let key_der =
            PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| bad(key, format!("not a PEM private key: {e}")))?;
        let identity = TlsIdentity { chain, key: key_der, fingerprint };
        // A key that does not belong to the certificate fails here, not at the first handshake.
        identity.server_config().map_err(|e| bad(key, format!("unusable with {}: {e}", cert.display())))?;
        Ok(identity)
    }

    /// The full SHA-256 fingerprint of the server's certificate.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The full fingerprint as `openssl x509 -fingerprint -sha256` prints it (`AB:CD:...`).
    pub fn fingerprint_colons(&self) -> String {
        self.fingerprint.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
    }

    /// The pin `serve` prints and clients type.
    pub fn pin(&self) -> TlsPin {
        TlsPin::of(&self.fingerprint)
    }

    /// The server side: TLS 1.3, no client certificates, this identity.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())?;
        Ok(Arc::new(config))
    }
}

fn read_small(path: &Path) -> io::Result<Vec<u8>> {
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let len = std::fs::metadata(path).map_err(named)?.len();
    if len > MAX_PEM_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {len} bytes; a PEM file here holds at most {MAX_PEM_BYTES}", path.display()),
        ));
    }
    std::fs::read(path).map_err(named)
}

/// The fingerprint of the certificate the server presented, once the handshake got that far
/// (read after a failed handshake to say which certificate it was).
pub type Seen = Arc<Mutex<Option<[u8; 32]>>>;

/// The client side for `pin`: TLS 1.3, the server's certificate accepted only if its
/// fingerprint matches; the handshake's signature verified with the provider's algorithms.
pub fn client_config(pin: &TlsPin) -> Result<(Arc<rustls::ClientConfig>, Seen), rustls::Error> {
    let provider = provider();
    let seen = Seen::default();
    let verifier = PinVerifier { pin: pin.clone(), provider: provider.clone(), seen: seen.clone() };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((Arc::new(config), seen))
}

/// Trusts the one certificate whose fingerprint begins with the pin.
#[derive(Debug)]
struct PinVerifier {
    pin: TlsPin,
    provider: Arc<CryptoProvider>,
    seen: Seen,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = fingerprint(end_entity.as_ref());
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(got);
        }
        if self.pin.matches(&got) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The full fingerprint grouped as the pin is (`3f2a-9c1b-...`, 64 digits), for messages.
pub fn shown_fingerprint(fingerprint: &[u8; 32]) -> String {
    grouped_hex(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_reads_as_typed_and_matches_its_fingerprint_only() {
        let fp = fingerprint(b"a certificate");
        let pin = TlsPin::of(&fp);
        assert_eq!(pin.to_string().len(), 2 * SHOWN_PIN_BYTES + SHOWN_PIN_BYTES / 2 - 1);
        assert!(pin.matches(&fp));
        assert_eq!(TlsPin::parse(&pin.to_string().to_uppercase()).unwrap(), pin);
        let colons = fp.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
        assert!(TlsPin::parse(&colons).unwrap().matches(&fp), "openssl's form works");
        assert!(!pin.matches(&fingerprint(b"another certificate")));
        for bad in ["", "abcd", &"g".repeat(32), &"a".repeat(65), &"a".repeat(MIN_PIN_HEX - 1)] {
            assert!(TlsPin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_record_keeps_one_identity_with_a_private_key() {
        let dir = std::env::temp_dir().join(format!("sandtable-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let made = TlsIdentity::in_record(&dir).unwrap();
        let again = TlsIdentity::in_record(&dir).unwrap();
        assert_eq!(made.fingerprint(), again.fingerprint(), "a resumed drill keeps its pin");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(KEY_PEM)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = std::env::temp_dir().join(format!("sandtable-tls-other-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&other);
        std::fs::create_dir_all(&other).unwrap();
        let fresh = TlsIdentity::in_record(&other).unwrap();
        assert_ne!(fresh.fingerprint(), made.fingerprint());
        // A key of another certificate is refused at load.
        let err = TlsIdentity::from_files(&dir.join(CERT_PEM), &other.join(KEY_PEM)).unwrap_err();
        assert!(err.to_string().contains("unusable"), "{err}");
        std::fs::remove_file(dir.join(KEY_PEM)).unwrap();
        let err = TlsIdentity::in_record(&dir).unwrap_err();
        assert!(err.to_string().contains("go together"), "{err}");
        std::fs::write(other.join(CERT_PEM), "not pem").unwrap();
        assert!(TlsIdentity::in_record(&other).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&other).unwrap();
    }
}
