#pragma once

#include "config/Config.h"

#include <QHash>
#include <QSet>
#include <QString>

namespace portico {

// Portico names are [A-Za-z0-9._-]{1,128}: every other character becomes '-', runs of them
// collapse, and the result is cut to 128. Empty in, empty out (the caller generates a name).
QString sanitizeName(const QString &name);

// `name`, or `name-2`, `name-3`, ... whichever is not in `taken` yet; adds it to `taken`.
QString uniqueName(const QString &name, QSet<QString> &taken);

// `text` with the characters that are special in both PCRE2 and Rust regexes backslashed, so it
// matches itself literally in Portico, Kong and nginx alike.
QString escapeRegexLiteral(const QString &text);

// The literal a regex body stands for when it is nothing but escaped text ("/a\.b" -> "/a.b"),
// else an empty string.
QString regexLiteral(const QString &body);

// Maps the paths of a converted Config ("routes[3].paths[0]") back to where each part came from
// in the foreign document ("services[1].routes[0].paths[0]"), so errors name the source.
class SourcePaths
{
public:
    void add(const QString &porticoPath, const QString &sourcePath);
    // The longest mapped prefix (ending at a '.' or '[') replaced by its source; unmapped paths
    // come back unchanged.
    QString translate(const QString &porticoPath) const;
    ConfigErrors translate(ConfigErrors errors) const;

private:
    QHash<QString, QString> m_map;
};

// "routes[3]"
QString indexed(const QString &list, qsizetype index);
// How report lines name an entity: "routes[3] (orders)", or the path alone when unnamed.
QString entityLabel(const QString &path, const QString &name);

} // namespace portico
