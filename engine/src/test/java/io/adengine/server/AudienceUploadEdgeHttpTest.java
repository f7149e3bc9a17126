package io.adengine.server;

import io.adengine.audience.AudienceService;
import io.adengine.audience.AudienceUpload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audience uploads at the edge of their limits: a chunked upload (no Content-Length) is cut off with 413 as
 * soon as it passes 64 MB, not read to its end and then refused; and the admin port keeps answering while
 * an upload is parsed and imported (parsing runs off the admin event loop).
 */
class AudienceUploadEdgeHttpTest {

    @TempDir
    Path dir;

    @Test
    void aChunkedUploadOverTheLimitShouldGet413BeforeItsEnd() throws Exception {
        try (FullEngine full = FullEngine.start(dir); Socket s = new Socket("127.0.0.1", full.engine.adminPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/admin/audiences/9?type=md5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + full.config.adminToken()
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] line = "0123456789abcdef0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
            byte[] chunk = new byte[line.length * 2_000];
            for (int i = 0; i < 2_000; i++) {
                System.arraycopy(line, 0, chunk, i * line.length, line.length);
            }
            long planned = 3 * AudienceUpload.MAX_BYTES / 2;
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (sent.get() < planned) {
                        out.write(size);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        sent.addAndGet(chunk.length);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException closedByTheServer) {
                    // expected: the engine stops reading at the limit and closes
                }
            });
            RawHttp.Answer answer = RawHttp.read(s.getInputStream());
            assertThat(answer.status()).as(answer.body()).isEqualTo(413);
            assertThat(answer.body()).contains("file_too_large").contains(Long.toString(AudienceUpload.MAX_BYTES));
            sender.get(60, TimeUnit.SECONDS);
            assertThat(sent.get()).as("the client could not send the whole 96 MB").isLessThan(planned);
        }
    }

    @Test
    void theAdminPortShouldAnswerWhileAnUploadIsImported() throws Exception {
        try (FullEngine full = FullEngine.start(dir)) {
            StringBuilder file = new StringBuilder();
            Random random = new Random(5);
            for (int i = 0; i < 2_000; i++) {
                file.append(String.format("%08x-%04x-%04x-%04x-%012x\n", random.nextInt(), random.nextInt(0x10000),
                        random.nextInt(0x10000), random.nextInt(0x10000), random.nextLong() & 0xFFFFFFFFFFFFL));
            }
            byte[] body = file.toString().getBytes(StandardCharsets.US_ASCII);
            AudienceService audiences = full.engine.audiences().orElseThrow();
            try (Socket upload = new Socket("127.0.0.1", full.engine.adminPort())) {
                upload.setSoTimeout(60_000);
                // Holding the service's monitor holds up the import (it is synchronized): whoever runs it waits here,
                // as long as a real import of a large file would take. Before this branch that was the admin event loop.
                synchronized (audiences) {
                    OutputStream out = upload.getOutputStream();
                    out.write(("POST /v1/admin/audiences/5?type=gaid HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + full.config.adminToken()
                            + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    for (int i = 0; i < 5; i++) {
                        try (Socket health = new Socket("127.0.0.1", full.engine.adminPort())) {
                            health.setSoTimeout(3_000);
                            health.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                    + full.config.adminToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                            assertThat(RawHttp.read(health.getInputStream()).status()).as("health %d during the import", i).isEqualTo(200);
                        }
                    }
                    assertThat(upload.getInputStream().available()).as("the import is still held up").isZero();
                }
                RawHttp.Answer imported = RawHttp.read(upload.getInputStream());
                assertThat(imported.status()).as(imported.body()).isEqualTo(200);
                assertThat(imported.body()).contains("\"users\":2000");
            }
        }
    }
}
