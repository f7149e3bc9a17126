package io.adengine.server;

import io.adengine.events.Ascii;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array an answer is rendered into before one copy into the response buffer: a run of
 * small appends to a plain array costs a fraction of the same appends to a pooled direct buffer (each of
 * which checks bounds, reference count and capacity). Reused by its owning thread; grows, never shrinks.
 */
final class AnswerBytes extends OutputStream {

    private byte[] bytes = new byte[4096];
    private int length;

    /** Empties it for the next answer. */
    AnswerBytes reset() {
        length = 0;
        return this;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }

    void writeBytes(byte[] b) {
        writeBytes(b, 0, b.length);
    }

    void writeBytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    void writeByte(int b) {
        room(1);
        bytes[length++] = (byte) b;
    }

    /** Appends a long in decimal. */
    void writeDecimal(long value) {
        room(20);
        length = Ascii.putDecimal(bytes, length, value);
    }

    /** Appends a string known to be ASCII. */
    void writeAscii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    @Override
    public void write(int b) {
        writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        writeBytes(b, off, len);
    }
}
