package io.adengine.server;

import org.slf4j.Logger;

import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * A connection failure that is the client's doing or the network's, not the engine's: "Connection reset by
 * peer", "Broken pipe", a closed channel, a connection closed in the middle of a request body. These happen all day on the open internet; they are logged at
 * DEBUG (type only, never the peer's address) and the connection is closed, nothing more. Codec and handler
 * failures are not among these and stay errors.
 */
final class ClientGone {

    private ClientGone() {
    }

    /** Whether a failure Netty reported from the socket is the peer going away (not one a handler threw). */
    static boolean is(Throwable cause) {
        if (cause instanceof SocketException || cause instanceof ClosedChannelException || cause instanceof Errors.NativeIoException
                || cause instanceof PrematureChannelClosureException) {
            return true;
        }
        // NIO reports resets as a plain IOException; handlers' own IOExceptions (JSON writing) say something else.
        String m = cause instanceof IOException ? cause.getMessage() : null;
        return m != null && (m.contains("Connection reset") || m.contains("Broken pipe") || m.contains("connection was aborted"));
    }

    static void log(Logger log, Throwable cause) {
        if (log.isDebugEnabled()) {
            log.debug("connection failed on the client's side: {}", cause.getClass().getName());
        }
    }
}
