package dev.autolog.core.tracking.rest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS setup for the tracking server: the JVM's trusted CAs plus an optional PEM bundle
 * (tracking_server_cert_path), an optional client certificate (tracking_client_cert_path), or, only
 * when explicitly asked for, no verification at all (tracking_insecure_tls).
 */
final class TlsSettings {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  final SSLContext context;
  final X509TrustManager trustManager;
  final boolean insecure;

  private TlsSettings(SSLContext context, X509TrustManager trustManager, boolean insecure) {
    this.context = context;
    this.trustManager = trustManager;
    this.insecure = insecure;
  }

  static TlsSettings create(String caBundle, String clientCert, boolean insecure)
      throws IOException, GeneralSecurityException {
    X509TrustManager trust = insecure ? new TrustEverything() : trustManager(caBundle);
    KeyManager[] keys = clientCert == null ? null : keyManagers(Path.of(clientCert));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, new TrustManager[] {trust}, null);
    return new TlsSettings(context, trust, insecure);
  }

  /** The JVM's default CAs, plus every certificate of {@code caBundle} when given. */
  private static X509TrustManager trustManager(String caBundle) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    system.init((KeyStore) null);
    int n = 0;
    for (TrustManager tm : system.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate ca : x.getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + n++, ca);
        }
      }
    }
    if (caBundle != null) {
      List<Certificate> extra = certificates(Files.readString(Path.of(caBundle), StandardCharsets.US_ASCII));
      if (extra.isEmpty()) {
        throw new GeneralSecurityException("tracking_server_cert_path " + caBundle + " holds no PEM certificate");
      }
      for (Certificate c : extra) {
        store.setCertificateEntry("bundle-" + n++, c);
      }
    }
    TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    combined.init(store);
    for (TrustManager tm : combined.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager available");
  }

  private static KeyManager[] keyManagers(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    List<Certificate> chain = certificates(text);
    PrivateKey key = null;
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (m.group(1).equals("PRIVATE KEY")) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        for (String algorithm : new String[] {"RSA", "EC"}) {
          try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            break;
          } catch (GeneralSecurityException e) {
            // try the next algorithm
          }
        }
      } else if (m.group(1).endsWith("PRIVATE KEY")) {
        throw new GeneralSecurityException("tracking_client_cert_path " + pem + " holds a " + m.group(1)
            + "; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
      }
    }
    if (chain.isEmpty() || key == null) {
      throw new GeneralSecurityException("tracking_client_cert_path " + pem
          + " must hold a PEM certificate and its unencrypted PKCS#8 private key");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = new char[0];
    store.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    return kmf.getKeyManagers();
  }

  static List<Certificate> certificates(String pemText) throws GeneralSecurityException {
    List<Certificate> certs = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Matcher m = PEM.matcher(pemText);
    while (m.find()) {
      if (m.group(1).equals("CERTIFICATE")) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        certs.add(factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    }
    return certs;
  }

  /** tracking_insecure_tls=true: accepts any certificate. Only ever used when asked for explicitly. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
