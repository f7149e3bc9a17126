package io.adengine.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adengine.model.Account;
import io.adengine.model.AdGroup;
import io.adengine.model.AdSpace;
import io.adengine.model.Campaign;
import io.adengine.model.Creative;

/** The kinds of object the control plane writes, with their name in admin paths and export files. */
public enum ObjectKind {
    ACCOUNT("accounts", Account.class),
    CAMPAIGN("campaigns", Campaign.class),
    AD_GROUP("ad-groups", AdGroup.class),
    CREATIVE("creatives", Creative.class),
    AD_SPACE("ad-spaces", AdSpace.class),
    AUDIENCE("audiences", Audience.class);

    private final String pathName;
    private final Class<?> type;

    ObjectKind(String pathName, Class<?> type) {
        this.pathName = pathName;
        this.type = type;
    }

    /** The plural, dashed name used in admin paths ({@code /v1/admin/catalog/ad-groups/7}) and export files. */
    public String pathName() {
        return pathName;
    }

    public Class<?> type() {
        return type;
    }

    /** The kind with this path name, or {@code null}. */
    public static ObjectKind ofPath(String name) {
        for (ObjectKind k : values()) {
            if (k.pathName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /** The kind whose deletion deletes objects of this kind (seed 001 §3.3), or {@code null}. */
    public ObjectKind parent() {
        return switch (this) {
            case CAMPAIGN -> ACCOUNT;
            case AD_GROUP -> CAMPAIGN;
            case CREATIVE -> AD_GROUP;
            default -> null;
        };
    }

    /** Parses one object of this kind in the catalog document's shape; errors name the field under {@code path}. */
    public Object parse(JsonNode json, String path) {
        if (this != AUDIENCE) {
            return CatalogJson.readObject(type, json, path);
        }
        String p = path.isEmpty() ? "" : path + ".";
        if (json == null || !json.isObject()) {
            throw new CatalogFormatException(path.isEmpty() ? "$" : path, "must be an object");
        }
        JsonNode id = json.get("id");
        if (id == null || !id.canConvertToLong() || !id.isIntegralNumber() || id.asLong() < 1) {
            throw new CatalogFormatException(p + "id", "is required: an integer id of at least 1");
        }
        JsonNode version = json.get("version");
        if (version != null && !version.isNull() && (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 0)) {
            throw new CatalogFormatException(p + "version", "must be an integer of at least 0");
        }
        for (String field : new String[] {"name", "regionCluster", "type"}) {
            JsonNode v = json.get(field);
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new CatalogFormatException(p + field, "must be a string");
            }
        }
        return new Audience(id.asLong(), version == null ? 0 : version.asLong(), json.path("name").asText(""),
                json.path("regionCluster").asText(""), json.path("type").asText(""));
    }

    /** Writes an object of any kind in the catalog document's shape. */
    public static ObjectNode toJson(Object value) {
        if (value instanceof Audience a) {
            return JsonNodeFactory.instance.objectNode().put("id", a.id()).put("version", a.version()).put("name", a.name())
                    .put("regionCluster", a.regionCluster()).put("type", a.type());
        }
        return CatalogJson.writeObject(value);
    }

    /** The kind of a catalog object. */
    public static ObjectKind of(Object value) {
        for (ObjectKind k : values()) {
            if (k.type.isInstance(value)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a catalog object: " + value);
    }

    /** The id of a catalog object. */
    public static long id(Object value) {
        if (value instanceof Account a) {
            return a.id();
        } else if (value instanceof Campaign c) {
            return c.id();
        } else if (value instanceof AdGroup g) {
            return g.id();
        } else if (value instanceof Creative c) {
            return c.id();
        } else if (value instanceof AdSpace s) {
            return s.id();
        } else if (value instanceof Audience a) {
            return a.id();
        }
        throw new IllegalArgumentException("not a catalog object: " + value);
    }

    /** The control-plane version of a catalog object. */
    public static long version(Object value) {
        if (value instanceof Account a) {
            return a.version();
        } else if (value instanceof Campaign c) {
            return c.version();
        } else if (value instanceof AdGroup g) {
            return g.version();
        } else if (value instanceof Creative c) {
            return c.version();
        } else if (value instanceof AdSpace s) {
            return s.version();
        } else if (value instanceof Audience a) {
            return a.version();
        }
        throw new IllegalArgumentException("not a catalog object: " + value);
    }

    /** The id of the object whose deletion cascades to this one, or 0 when none. */
    public static long parentId(Object value) {
        if (value instanceof Campaign c) {
            return c.accountId();
        } else if (value instanceof AdGroup g) {
            return g.campaignId();
        } else if (value instanceof Creative c) {
            return c.adGroupId();
        }
        return 0;
    }
}
