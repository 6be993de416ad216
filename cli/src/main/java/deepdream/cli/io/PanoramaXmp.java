package deepdream.cli.io;

/**
 * The Google Photo Sphere XMP tags (GPano) that make photo viewers (Google Photos, Facebook, most
 * 360° viewers) open an equirectangular image as a panorama: the image is the whole sphere.
 */
public final class PanoramaXmp {
    private PanoramaXmp() {}

    /** An XMP packet for a full equirectangular panorama of width × height pixels. */
    public static String equirectangular(int width, int height) {
        return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:GPano=\"http://ns.google.com/photos/1.0/panorama/\">"
                + "<GPano:ProjectionType>equirectangular</GPano:ProjectionType>"
                + "<GPano:UsePanoramaViewer>True</GPano:UsePanoramaViewer>"
                + "<GPano:FullPanoWidthPixels>" + width + "</GPano:FullPanoWidthPixels>"
                + "<GPano:FullPanoHeightPixels>" + height + "</GPano:FullPanoHeightPixels>"
                + "<GPano:CroppedAreaImageWidthPixels>" + width + "</GPano:CroppedAreaImageWidthPixels>"
                + "<GPano:CroppedAreaImageHeightPixels>" + height + "</GPano:CroppedAreaImageHeightPixels>"
                + "<GPano:CroppedAreaLeftPixels>0</GPano:CroppedAreaLeftPixels>"
                + "<GPano:CroppedAreaTopPixels>0</GPano:CroppedAreaTopPixels>"
                + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
    }
}
