// MavenJudge.java: test-only judge: compares "a<TAB>b" lines with Maven's ComparableVersion and answers
// "range<TAB>spec<TAB>version" lines with VersionRange.containsVersion (1, 0 or invalid)
// (run as a single-file program: java -cp maven-artifact.jar MavenJudge.java).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;
import org.apache.maven.artifact.versioning.DefaultArtifactVersion;
import org.apache.maven.artifact.versioning.InvalidVersionSpecificationException;
import org.apache.maven.artifact.versioning.VersionRange;

public class MavenJudge {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\t", -1);
            if (f.length == 3 && f[0].equals("range")) {
                try {
                    VersionRange r = VersionRange.createFromVersionSpec(f[1]);
                    boolean ok = r.containsVersion(new DefaultArtifactVersion(f[2]));
                    out.append(ok ? "1" : "0").append('\n');
                } catch (InvalidVersionSpecificationException e) {
                    out.append("invalid\n");
                }
                continue;
            }
            int c = new ComparableVersion(f[0]).compareTo(new ComparableVersion(f[1]));
            out.append(c < 0 ? -1 : c > 0 ? 1 : 0).append('\n');
        }
        System.out.print(out);
    }
}
