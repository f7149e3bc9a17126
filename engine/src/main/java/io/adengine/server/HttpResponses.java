package io.adengine.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adengine.catalog.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Building and sending responses, with keep-alive handled in one place. */
final class HttpResponses {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpResponses() {
    }

    static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        if (status.code() != 204) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return response;
    }

    /** The JSON error body {@code {"error":{"code","message","field"}}}. */
    static FullHttpResponse error(ChannelHandlerContext ctx, ApiError error) {
        ByteBuf buf = ctx.alloc().buffer(128);
        try (JsonGenerator g = FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("code", error.code());
            g.writeStringField("message", error.message());
            if (error.field() != null) {
                g.writeStringField("field", error.field());
            } else {
                g.writeNullField("field");
            }
            g.writeEndObject();
            if (!error.problems().isEmpty()) {
                g.writeArrayFieldStart("problems");
                for (Problem p : error.problems()) {
                    g.writeStartObject();
                    g.writeStringField("field", p.field());
                    g.writeStringField("message", p.message());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        return json(error.status(), buf);
    }

    /** A JSON tree as a response body. */
    static FullHttpResponse json(ChannelHandlerContext ctx, HttpResponseStatus status, JsonNode tree) {
        ByteBuf buf = ctx.alloc().buffer(256);
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            MAPPER.writeValue(out, tree);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return json(status, buf);
    }

    /** Writes and flushes at once: for answers sent from outside the channel's read loop (worker threads, callbacks). */
    static void sendNow(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        send(ctx, response, keepAlive, true);
    }

    /** Writes (without flushing: the handler flushes once per read batch) and keeps the connection open only when the client wants it. */
    static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        send(ctx, response, keepAlive, false);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, boolean flush) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            if (flush) {
                ctx.writeAndFlush(response, ctx.voidPromise());
            } else {
                ctx.write(response, ctx.voidPromise());
            }
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
