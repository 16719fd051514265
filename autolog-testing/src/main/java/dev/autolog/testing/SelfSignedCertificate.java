package dev.autolog.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fresh self-signed certificate for {@code CN=localhost} with the subject alternative names
 * {@code IP:127.0.0.1} and {@code DNS:localhost}, made at test time by the JDK's {@code keytool} (no network).
 *
 * <p>{@link #generate()} writes two files into a new temporary directory: a PKCS12 key store holding the key
 * pair (for {@link MlflowServerDouble.Builder#tls(SelfSignedCertificate)}) and the certificate as PEM, which a
 * client can use as its CA bundle. {@link #close()} deletes the directory.
 */
public final class SelfSignedCertificate implements AutoCloseable {

    /** The alias of the key entry in the key store. */
    public static final String ALIAS = "localhost";

    private final Path directory;
    private final Path keyStorePath;
    private final Path certificatePemPath;
    private final char[] password;

    private SelfSignedCertificate(Path directory, Path keyStorePath, Path certificatePemPath, char[] password) {
        this.directory = directory;
        this.keyStorePath = keyStorePath;
        this.certificatePemPath = certificatePemPath;
        this.password = password;
    }

    /**
     * Runs {@code keytool -genkeypair} (RSA 2048, valid 30 days) and {@code keytool -exportcert -rfc}.
     *
     * @return the new certificate and its files
     * @throws IOException if keytool cannot be run or fails; the message holds keytool's output
     */
    public static SelfSignedCertificate generate() throws IOException {
        Path dir = Files.createTempDirectory("mlflow-double-tls");
        Path p12 = dir.resolve("localhost.p12");
        Path pem = dir.resolve("localhost.pem");
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String pw = HexFormat.of().formatHex(secret);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", pw, "-keypass", pw, "-noprompt"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", ALIAS, "-storetype", "PKCS12", "-keystore",
                p12.toString(), "-storepass", pw, "-file", pem.toString()));
        return new SelfSignedCertificate(dir, p12, pem, pw.toCharArray());
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for keytool", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + command.get(1) + " failed (exit " + p.exitValue() + "): " + output);
        }
    }

    /** The PKCS12 key store file holding the private key and certificate under {@link #ALIAS}. */
    public Path keyStorePath() {
        return keyStorePath;
    }

    /** The password of the key store and of the key entry (a copy). */
    public char[] password() {
        return password.clone();
    }

    /** The key store, loaded from {@link #keyStorePath()}. */
    public KeyStore keyStore() {
        try (InputStream in = Files.newInputStream(keyStorePath)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + keyStorePath, e);
        }
    }

    /** The PEM file ({@code -----BEGIN CERTIFICATE-----}), usable as a CA bundle. */
    public Path certificatePemPath() {
        return certificatePemPath;
    }

    /** The text of {@link #certificatePemPath()}. */
    public String certificatePem() {
        try {
            return Files.readString(certificatePemPath, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + certificatePemPath, e);
        }
    }

    /** The certificate. */
    public X509Certificate certificate() {
        try (InputStream in = Files.newInputStream(certificatePemPath)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + certificatePemPath, e);
        }
    }

    /** A client {@link SSLContext} that trusts this certificate and nothing else. */
    public SSLContext trustingSslContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trusting SSLContext", e);
        }
    }

    /** Deletes the temporary directory and its files. */
    @Override
    public void close() throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
