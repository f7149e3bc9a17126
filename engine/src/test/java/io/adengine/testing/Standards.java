package io.adengine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The industry standards the tests check against ({@code ../shared/standards/} beside the repository: the
 * VAST 4.2 XSD, the OpenRTB 2.6 text and proto). CI checks the repository out beside {@code shared/}; a test
 * that needs one fails, naming the path, when it is missing, rather than passing without its oracle.
 */
public final class Standards {

    private Standards() {
    }

    /** A file of {@code shared/standards}, found from the engine module's folder (the tests' working directory) or the root. */
    public static Path file(String name) {
        for (Path root : new Path[] {Path.of(".."), Path.of(".")}) {
            Path p = root.resolve("..").resolve("shared").resolve("standards").resolve(name).normalize();
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("shared/standards/" + name + " not found beside the repository (looked in ../../shared and ../shared "
                + "from " + Path.of("").toAbsolutePath() + "); CI checks it out beside the clone");
    }
}
