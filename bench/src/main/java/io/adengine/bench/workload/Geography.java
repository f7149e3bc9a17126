package io.adengine.bench.workload;

import java.util.List;

/**
 * The request-side vocabulary of the workloads: about fifty countries in Zipf order (most traffic
 * first), each with its languages, regions and carriers, plus networks, device models and OS versions.
 * Ad groups target these values and requests draw them, so targeting and traffic overlap realistically.
 */
public final class Geography {

    /** One country: ISO code, its languages (first is the main one) and its mobile carriers. */
    public record Country(String code, List<String> languages, List<String> carriers) {

        /** Region codes "CC-R1".."CC-R5": synthetic but stable. */
        public String region(int index) {
            return code + "-R" + (1 + index % REGIONS_PER_COUNTRY);
        }
    }

    public static final int REGIONS_PER_COUNTRY = 5;

    /** Countries in traffic order: the Zipf rank of a country is its index. */
    public static final List<Country> COUNTRIES = List.of(
            c("IN", "hi,en", "jio,airtel,vi"), c("ID", "id,en", "telkomsel,indosat,xl"), c("CN", "zh", "chinamobile,chinaunicom,chinatelecom"),
            c("BR", "pt", "vivo,claro,tim"), c("US", "en,es", "verizon,att,tmobile"), c("PK", "ur,en", "jazz,zong,telenor"),
            c("NG", "en", "mtn,glo,airtelng"), c("BD", "bn", "grameenphone,robi,banglalink"), c("RU", "ru", "mts,megafon,beeline"),
            c("MX", "es", "telcel,movistar,attmx"), c("PH", "tl,en", "globe,smart,dito"), c("VN", "vi", "viettel,vinaphone,mobifone"),
            c("EG", "ar", "vodafoneeg,orange,etisalat"), c("TR", "tr", "turkcell,vodafonetr,turktelekom"), c("TH", "th", "ais,dtac,truemove"),
            c("IR", "fa", "mci,irancell,rightel"), c("DE", "de", "telekom,vodafonede,o2"), c("GB", "en", "ee,vodafoneuk,three"),
            c("FR", "fr", "orangefr,sfr,bouygues"), c("IT", "it", "tim,vodafoneit,windtre"), c("ZA", "en,zu", "vodacom,mtnza,cellc"),
            c("MM", "my", "mpt,ooredoo,atom"), c("KE", "sw,en", "safaricom,airtelke,telkom"), c("CO", "es", "claroco,movistarco,tigo"),
            c("ES", "es", "movistares,orangees,vodafonees"), c("AR", "es", "personal,claroar,movistarar"), c("DZ", "ar,fr", "mobilis,djezzy,ooredoodz"),
            c("SD", "ar", "zain,sudani,mtnsd"), c("UA", "uk,ru", "kyivstar,vodafoneua,lifecell"), c("IQ", "ar", "zainiq,asiacell,korek"),
            c("MA", "ar,fr", "maroctelecom,orangema,inwi"), c("SA", "ar", "stc,mobily,zainsa"), c("PE", "es", "claroape,movistarpe,entel"),
            c("MY", "ms,en", "maxis,celcom,digi"), c("UZ", "uz", "beeline_uz,ucell,uzmobile"), c("NP", "ne", "ntc,ncell,smartcell"),
            c("GH", "en", "mtngh,vodafonegh,airteltigo"), c("VE", "es", "movilnet,digitel,movistarve"), c("AF", "ps,fa", "roshan,awcc,etisalataf"),
            c("YE", "ar", "yemenmobile,sabafon,mtnye"), c("KR", "ko", "skt,kt,lguplus"), c("JP", "ja", "docomo,au,softbank"),
            c("LK", "si,ta", "dialog,mobitel,hutch"), c("KZ", "kk,ru", "kcell,beeline_kz,tele2kz"), c("CL", "es", "entelcl,movistarcl,wom"),
            c("SG", "en,zh", "singtel,starhub,m1"), c("AE", "ar,en", "etisalatae,du,virgin"), c("AU", "en", "telstra,optus,vodafoneau"),
            c("CA", "en,fr", "rogers,bell,telus"), c("NL", "nl", "kpn,vodafonenl,odido"));

    public static final List<String> NETWORKS = List.of("wifi", "4g", "5g", "3g");

    /** Device models in popularity order. */
    public static final List<String> DEVICE_MODELS = List.of(
            "redmi note 12", "galaxy a14", "redmi 12c", "galaxy a54", "oppo a78", "vivo y36", "realme c55", "pixel 7a",
            "galaxy s23", "poco x5", "infinix hot 30", "tecno spark 10", "moto g54", "honor x8", "oneplus nord 3",
            "redmi 13c", "galaxy a24", "vivo y17s", "oppo a58", "realme 11", "nokia g42", "pixel 8", "galaxy s24",
            "xiaomi 13t", "huawei nova 11", "itel a70", "tecno camon 20", "moto e13", "honor 90", "vivo v29");

    /** Android major versions in popularity order. */
    public static final List<String> OS_VERSIONS = List.of("13", "12", "14", "11", "10", "9", "8.1", "15", "8.0", "7.1");

    private Geography() {
    }

    private static Country c(String code, String languages, String carriers) {
        return new Country(code, List.of(languages.split(",")), List.of(carriers.split(",")));
    }
}
