package deepdream.serve;

import java.nio.file.Path;

/**
 * What a server is started with (the options of {@code deepdream serve}).
 *
 * @param token         required on every API call when not null (a cookie set by {@code /?token=T}, or {@code Authorization: Bearer T})
 * @param thumbnails    where layer thumbnails are cached (per model)
 * @param queue         dreams that may wait; more are refused with 503
 * @param maxUpload     bytes of one POST /api/jobs; more is refused with 413
 * @param maxSide       the longest side a dream may have (bounds the memory of one job)
 * @param maxPixels     uploads declaring more pixels are refused before decoding
 */
record ServeSettings(String host, int port, String token, Path results, Path thumbnails, int queue, long maxUpload, int maxSide,
                     long maxPixels, String modelName, String backendName) {}
