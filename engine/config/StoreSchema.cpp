#include "StoreSchema.h"

#include "StoreSql.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace portico {

namespace {

std::vector<StoreMigration> loadMigrations()
{
    std::vector<StoreMigration> migrations;
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_[A-Za-z0-9_]+\\.sql$"));
    const QDir dir(QStringLiteral(":/migrations"));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        const QRegularExpressionMatch match = pattern.match(name);
        QFile file(dir.filePath(name));
        if (!match.hasMatch() || !file.open(QIODevice::ReadOnly))
            continue;
        migrations.push_back({match.captured(1).toInt(), name, QString::fromUtf8(file.readAll())});
    }
    // A gap or a repeat is a packaging mistake: keep the migrations up to it, so the store
    // never applies version 3 on top of a missing version 2.
    for (size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != int(i) + 1) {
            qWarning("portico: migration %s is out of sequence; ignoring it and later ones",
                     qPrintable(migrations[i].name));
            migrations.resize(i);
            break;
        }
    }
    Q_ASSERT(!migrations.empty());
    return migrations;
}

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

// True when `code` is a CREATE TRIGGER statement whose body has not reached its END yet.
bool insideTrigger(const QString &code)
{
    static const QRegularExpression trigger(
        QStringLiteral("^\\s*CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"),
        QRegularExpression::CaseInsensitiveOption);
    if (!trigger.match(code).hasMatch())
        return false;
    const QString trimmed = code.trimmed();
    if (!trimmed.endsWith(QStringLiteral("END"), Qt::CaseInsensitive))
        return true;
    return trimmed.size() > 3 && isIdentifierChar(trimmed[trimmed.size() - 4]);
}

} // namespace

const std::vector<StoreMigration> &storeMigrations()
{
    static const std::vector<StoreMigration> migrations = loadMigrations();
    return migrations;
}

int latestSchemaVersion()
{
    return storeMigrations().empty() ? 0 : storeMigrations().back().version;
}

QStringList splitSqlStatements(const QString &script)
{
    QStringList statements;
    QString code;
    const auto flush = [&] {
        if (!code.trimmed().isEmpty())
            statements.append(code.trimmed());
        code.clear();
    };
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script[i];
        const QChar next = i + 1 < script.size() ? script[i + 1] : QChar();
        if (c == u'-' && next == u'-') { // line comment
            while (i < script.size() && script[i] != u'\n')
                ++i;
            code += u'\n';
        } else if (c == u'/' && next == u'*') { // block comment
            const qsizetype end = script.indexOf(QStringLiteral("*/"), i + 2);
            i = end < 0 ? script.size() : end + 1;
            code += u' ';
        } else if (c == u'\'' || c == u'"' || c == u'`' || c == u'[') { // quoted: copy as is
            const QChar close = c == u'[' ? QChar(u']') : c;
            qsizetype end = script.indexOf(close, i + 1);
            end = end < 0 ? script.size() - 1 : end; // a doubled quote reads as two strings
            code += QStringView(script).sliced(i, end - i + 1);
            i = end;
        } else if (c == u';') {
            code += c;
            if (!insideTrigger(code.chopped(1)))
                flush();
        } else {
            code += c;
        }
    }
    flush();
    return statements;
}

bool migrateStore(QSqlDatabase &db, QString *error)
{
    for (const StoreMigration &migration : storeMigrations()) {
        const auto current = sqlValue(db, QStringLiteral("PRAGMA user_version"), error);
        if (!current)
            return false;
        if (current->toInt() >= migration.version)
            continue;
        SqlTransaction transaction(db);
        if (!transaction.begin(SqlTransaction::Mode::Write, error))
            return false;
        // Another process may have applied it while this one waited for the lock.
        const auto locked = sqlValue(db, QStringLiteral("PRAGMA user_version"), error);
        if (!locked)
            return false;
        if (locked->toInt() >= migration.version)
            continue;
        for (const QString &statement : splitSqlStatements(migration.sql)) {
            if (!execSql(db, statement, error)) {
                *error = QStringLiteral("migration %1 failed: %2").arg(migration.name, *error);
                return false;
            }
        }
        if (!execSql(db, QStringLiteral("PRAGMA user_version = %1").arg(migration.version), error)
            || !transaction.commit(error))
            return false;
    }
    return true;
}

} // namespace portico
