package io.adengine.bench;

import io.adengine.bench.load.HelloWorldServer;
import io.adengine.bench.load.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code bench hello}: runs the Netty hello-world baseline until killed. */
@Command(name = "hello", mixinStandardHelpOptions = true, description = "Run the hello-world baseline server on 127.0.0.1.")
public final class HelloCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "18090")
    int port;

    @Option(names = "--io-threads", defaultValue = "0", description = "event loops, 0 = one per core like the engine")
    int ioThreads;

    @Override
    public Integer call() throws Exception {
        HelloWorldServer server = HelloWorldServer.start(port, ioThreads);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hello-shutdown"));
        System.out.println("hello-world listening on 127.0.0.1:" + server.port() + (Transport.epoll() ? " (epoll)" : " (nio)"));
        server.awaitClose();
        return 0;
    }
}
