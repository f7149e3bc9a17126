/**
 * The control-plane side: a picocli CLI ({@link io.adengine.loader.LoaderMain}) whose subcommands
 * validate catalogs and, as the control-plane issues land, import audiences and sync changes. A client
 * of the engine's model and wire formats; the engine never depends on it.
 */
package io.adengine.loader;
