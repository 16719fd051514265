package dev.autolog.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS with a certificate made by keytool at test time, trusted by a client through its PEM file only. */
class TlsTest {

    private static SelfSignedCertificate certificate;
    private static MlflowServerDouble server;

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.generate();
        server = MlflowServerDouble.builder().tls(certificate).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        certificate.close();
        assertFalse(Files.exists(certificate.keyStorePath()), "close() deletes the files");
    }

    /** An SSLContext whose trust store is built from the PEM file, as a client with a CA bundle would. */
    private static SSLContext trustingPemBundle() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate.certificatePemPath())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpsURLConnection open(String url, SSLContext ctx) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
        if (ctx != null) {
            c.setSSLSocketFactory(ctx.getSocketFactory());
        }
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        return c;
    }

    @Test
    void certificateIsSelfSignedForLocalhostWithBothSubjectAlternativeNames() throws Exception {
        assertTrue(certificate.certificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
        X509Certificate cert = certificate.certificate();
        assertEquals("CN=localhost", cert.getSubjectX500Principal().getName());
        assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        assertTrue(sans.contains(List.of(7, "127.0.0.1")), "IP SAN in " + sans);
        assertTrue(sans.contains(List.of(2, "localhost")), "DNS SAN in " + sans);
        assertTrue(server.baseUri().startsWith("https://127.0.0.1:"));
    }

    @Test
    void clientTrustingThePemSucceedsOnIpAndHostName() throws Exception {
        SSLContext ctx = trustingPemBundle();
        for (String host : List.of("127.0.0.1", "localhost")) {
            HttpsURLConnection c = open("https://" + host + ":" + server.port() + "/health", ctx);
            assertEquals(200, c.getResponseCode());
            assertEquals("OK", new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            c.disconnect();
        }
        HttpsURLConnection c = open(server.baseUri() + "/api/2.0/mlflow/experiments/get?experiment_id=0",
                certificate.trustingSslContext());
        assertEquals(200, c.getResponseCode());
        assertTrue(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"Default\""));
    }

    @Test
    void clientWithoutThePemFailsTheHandshake() throws Exception {
        HttpsURLConnection c = open(server.baseUri() + "/health", null);
        assertThrows(SSLHandshakeException.class, c::getResponseCode);
    }

    @Test
    void certificateOfAnotherRunIsNotTrusted() throws Exception {
        try (SelfSignedCertificate other = SelfSignedCertificate.generate()) {
            HttpsURLConnection c = open(server.baseUri() + "/health", other.trustingSslContext());
            assertThrows(SSLHandshakeException.class, c::getResponseCode);
        }
    }
}
