#include "LocalCa.h"

namespace portico {

// Plain text for a dialog, a terminal or a README; %1 is the CA certificate's path.
QString LocalCa::trustInstructions(const QString &caFile)
{
    return QStringLiteral(
               "How to trust the Portico development CA (%1)\n"
               "\n"
               "Certificates issued by this CA are accepted wherever its certificate is trusted."
               " Trust it only on your own development machines.\n"
               "\n"
               "Debian, Ubuntu:\n"
               "  sudo cp \"%1\" /usr/local/share/ca-certificates/portico-development-ca.crt\n"
               "  sudo update-ca-certificates\n"
               "\n"
               "Fedora, RHEL:\n"
               "  sudo trust anchor \"%1\"\n"
               "\n"
               "macOS:\n"
               "  sudo security add-trusted-cert -d -r trustRoot"
               " -k /Library/Keychains/System.keychain \"%1\"\n"
               "\n"
               "Windows (an administrator's command prompt):\n"
               "  certutil -addstore -f ROOT \"%1\"\n"
               "\n"
               "Firefox (keeps its own list):\n"
               "  Settings → Privacy & Security → Certificates → View Certificates → Authorities"
               " → Import, choose the file and tick \"Trust this CA to identify websites\".\n"
               "\n"
               "Chrome and Chromium on Linux (keep their own list; certutil is in the package"
               " libnss3-tools):\n"
               "  certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n \"Portico development CA\""
               " -i \"%1\"\n"
               "\n"
               "curl:\n"
               "  curl --cacert \"%1\" https://localhost:8443/\n"
               "\n"
               "Node.js:\n"
               "  NODE_EXTRA_CA_CERTS=\"%1\" node app.js\n"
               "\n"
               "Python requests (the variable replaces requests' own list: for public sites as"
               " well, point it at a bundle that also holds the usual roots):\n"
               "  REQUESTS_CA_BUNDLE=\"%1\" python app.py\n"
               "\n"
               "Warning: never share the CA's key (%2, beside the certificate) and never copy it"
               " to another machine. Anyone who has it can make certificates for any site that"
               " this machine's browsers will accept.\n")
        .arg(caFile, QLatin1String(kKeyFile));
}

} // namespace portico
