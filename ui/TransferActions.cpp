#include "TransferActions.h"

#include "config/ConfigService.h"

#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QThread>

namespace portico {

namespace {

QString formatName(TransferFormat format)
{
    switch (format) {
    case TransferFormat::NativeYaml: return QObject::tr("Portico YAML");
    case TransferFormat::NativeJson: return QObject::tr("Portico JSON");
    case TransferFormat::Kong: return QObject::tr("Kong decK");
    case TransferFormat::Nginx: return QObject::tr("nginx");
    case TransferFormat::OpenApi: return QObject::tr("OpenAPI");
    }
    return {};
}

QString countOf(qsizetype n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString describe(const Config &config)
{
    return QStringList{countOf(qsizetype(config.routes.size()), "route", "routes"),
                       countOf(qsizetype(config.services.size()), "service", "services"),
                       countOf(config.consumers.size(), "consumer", "consumers")}
        .join(QStringLiteral(", "));
}

} // namespace

// One import or export on its own thread. The flags are how the GUI and the thread talk while
// it runs; everything else is read only after the thread finished.
struct TransferActions::Job
{
    std::atomic<bool> cancelled{false};
    std::atomic<bool> storing{false};
    ImportReport report;
    std::optional<Config> storeFromGui; // in-memory store: the GUI thread writes it
    bool exportOk = false;
    QString exportMessage;
    QStringList notCarried;
};

TransferActions::TransferActions(ControlRoom room, QWidget *window)
    : QObject(window)
    , m_room(room)
    , m_window(window)
    , m_import(new QAction(portIcon("import"), tr("&Import…"), this))
    , m_exportMenu(new QMenu(tr("&Export"), window))
{
    qRegisterMetaType<ImportReport>();
    m_import->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_import->setStatusTip(tr("Replace the configuration with a Portico or Kong file, or add "
                              "an OpenAPI document's routes"));
    connect(m_import, &QAction::triggered, this, &TransferActions::chooseImport);

    m_exportMenu->setIcon(portIcon("export"));
    for (TransferFormat format : {TransferFormat::NativeYaml, TransferFormat::NativeJson,
                                  TransferFormat::Kong, TransferFormat::Nginx}) {
        QAction *action = m_exportMenu->addAction(tr("%1…").arg(formatName(format)));
        if (format == TransferFormat::NativeYaml)
            action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
        connect(action, &QAction::triggered, this, [this, format] { chooseExport(format); });
    }
    connect(this, &TransferActions::importFinished, this, [this](const ImportReport &report) {
        if (m_interactive)
            showImportReport(report);
    });
}

TransferActions::~TransferActions()
{
    if (m_job)
        m_job->cancelled = true;
}

void TransferActions::chooseImport()
{
    if (m_busy)
        return;
    const QString portico = tr("Portico configuration (*.yaml *.yml *.json)");
    const QString kong = tr("Kong decK file (*.yaml *.yml *.json)");
    const QString openApi = tr("OpenAPI document: add its routes (*.yaml *.yml *.json)");
    QString filter = portico;
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Import configuration"), QString(),
        QStringList{portico, kong, openApi}.join(QStringLiteral(";;")), &filter);
    if (path.isEmpty())
        return;
    TransferFormat format = TransferFormat::NativeYaml;
    QString service;
    if (filter == kong) {
        format = TransferFormat::Kong;
    } else if (filter == openApi) {
        format = TransferFormat::OpenApi;
        QStringList services;
        for (const ServiceConfig &s : m_room.config->config().services)
            services.append(s.name);
        if (services.isEmpty()) {
            QMessageBox::information(m_window, tr("Import OpenAPI"),
                                     tr("An OpenAPI document's routes go to a service: add the "
                                        "service first (Services page)."));
            return;
        }
        bool ok = false;
        service = QInputDialog::getItem(m_window, tr("Import OpenAPI"),
                                        tr("Send the document's routes to service:"), services, 0,
                                        false, &ok);
        if (!ok)
            return;
    } else if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        format = TransferFormat::NativeJson;
    }
    const auto answer = QMessageBox::question(
        m_window, tr("Import configuration"),
        format == TransferFormat::OpenApi
            ? tr("Add the routes of %1 to service \"%2\"?").arg(QFileInfo(path).fileName(), service)
            : tr("Replace the whole configuration with %1?\n\nUndo (Ctrl+Z) brings the current "
                 "one back.")
                  .arg(QFileInfo(path).fileName()));
    if (answer != QMessageBox::Yes)
        return;
    m_interactive = true;
    importFile(path, format, service);
}

void TransferActions::importFile(const QString &path, TransferFormat format,
                                 const QString &service)
{
    Q_ASSERT(!m_busy);
    const Config current = m_room.config->config();
    const QString storePath = m_room.config->store().path();
    const QString summary =
        tr("import of %1 (%2)").arg(QFileInfo(path).fileName(), formatName(format));
    auto work = [=](Job &job) {
        ImportReport &report = job.report;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            report.errors.push_back({QString(), tr("cannot read %1: %2").arg(path,
                                                                       file.errorString())});
            return;
        }
        const QByteArray text = file.readAll();
        if (job.cancelled)
            return;
        ImportOutcome outcome = importConfig(text, format, current, service);
        report.warnings = outcome.warnings;
        report.notCarried = outcome.notCarried;
        report.notes = outcome.notes;
        report.errors = outcome.errors;
        report.summary = summary + QStringLiteral(": ") + describe(outcome.config);
        if (!outcome.ok() || job.cancelled)
            return;
        job.storing = true; // from here on the import finishes
        if (storePath == ConfigStore::kInMemory) {
            job.storeFromGui = std::move(outcome.config);
            return;
        }
        ConfigStore::OpenResult opened = ConfigStore::open(storePath);
        if (!opened.store) {
            report.errors.push_back({QString(), opened.error});
            return;
        }
        const StoreResult stored =
            opened.store->replace(outcome.config, ConfigSource::Import, report.summary);
        report.errors = stored.errors;
        report.stored = stored.status == StoreResult::Status::Ok;
    };
    auto done = [this](Job &job) {
        ImportReport report = job.report;
        report.cancelled = job.cancelled && !job.storing;
        if (job.storeFromGui) {
            const StoreResult stored = m_room.config->replace(*job.storeFromGui,
                                                              ConfigSource::Import,
                                                              report.summary);
            report.errors = stored.errors;
            report.stored = stored.status == StoreResult::Status::Ok;
        } else if (report.stored) {
            m_room.config->pollForChanges(); // now, not at the next poll
        }
        Q_EMIT message(report.cancelled ? tr("Import cancelled; nothing changed.")
                       : report.stored  ? tr("Imported: %1").arg(report.summary)
                       : report.errors.empty()
                           ? tr("Import changed nothing: the configuration is the same.")
                           : tr("Import failed; nothing changed."));
        Q_EMIT importFinished(report);
        m_interactive = false;
    };
    runJob(tr("Importing %1…").arg(QFileInfo(path).fileName()), work, done);
}

void TransferActions::chooseExport(TransferFormat format)
{
    if (m_busy)
        return;
    const bool json = format == TransferFormat::NativeJson;
    const QString suffix = format == TransferFormat::Nginx ? QStringLiteral("conf")
                           : json                          ? QStringLiteral("json")
                                                           : QStringLiteral("yaml");
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export as %1").arg(formatName(format)),
        QStringLiteral("portico.%1").arg(suffix),
        tr("%1 (*.%2)").arg(formatName(format), suffix));
    if (path.isEmpty())
        return;
    m_interactive = true;
    exportAskingForKeys(path, format);
}

QMessageBox *TransferActions::exportAskingForKeys(const QString &path, TransferFormat format)
{
    const bool native =
        format == TransferFormat::NativeYaml || format == TransferFormat::NativeJson;
    const std::vector<CertificateConfig> &certificates = m_room.config->config().certificates;
    const auto withKey = std::count_if(certificates.begin(), certificates.end(),
                                       [](const CertificateConfig &c) { return !c.key.isEmpty(); });
    if (!native || withKey == 0) {
        exportFile(path, format);
        return nullptr;
    }
    auto *box =
        new QMessageBox(QMessageBox::Question, tr("Export"),
                        tr("Export the configuration to %1?").arg(QFileInfo(path).fileName()),
                        QMessageBox::Cancel, m_window);
    box->setObjectName(QStringLiteral("exportKeysQuestion"));
    box->setInformativeText(
        tr("It holds %n certificate(s) with a private key. Keys are left out unless included: "
           "whoever reads a file with them can pose as those servers. Without them, importing "
           "the file back into this store keeps the stored keys.",
           "", int(withKey)));
    auto *include = new QCheckBox(tr("Include private keys"));
    include->setObjectName(QStringLiteral("includePrivateKeys"));
    box->setCheckBox(include);
    QPushButton *exportButton = box->addButton(tr("Export"), QMessageBox::AcceptRole);
    exportButton->setObjectName(QStringLiteral("exportKeysQuestionExport"));
    box->setDefaultButton(exportButton);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this,
            [this, exportButton, include, path, format](QAbstractButton *button) {
                if (button != exportButton) {
                    m_interactive = false;
                    return;
                }
                if (!m_busy)
                    exportFile(path, format,
                               include->isChecked() ? PrivateKeys::Include : PrivateKeys::Omit);
            });
    box->open();
    return box;
}

void TransferActions::exportFile(const QString &path, TransferFormat format, PrivateKeys keys)
{
    Q_ASSERT(!m_busy);
    const Config config = m_room.config->config();
    auto work = [=](Job &job) {
        const ExportOutcome out = exportConfig(config, format, keys);
        job.notCarried = out.notCarried + out.notes;
        QSaveFile file(path); // all or nothing: a failed write leaves the old file
        if (!file.open(QIODevice::WriteOnly) || file.write(out.text) != out.text.size()
            || !file.commit()) {
            job.exportMessage = tr("Cannot write %1: %2").arg(path, file.errorString());
            return;
        }
        job.exportOk = true;
        job.exportMessage =
            tr("Exported %1 as %2 to %3").arg(describe(config), formatName(format), path);
        if (keys == PrivateKeys::Include)
            job.exportMessage += tr(", private keys included");
    };
    auto done = [this](Job &job) {
        Q_EMIT message(job.exportMessage);
        Q_EMIT exportFinished(job.exportOk, job.exportMessage, job.notCarried);
        if (m_interactive && (!job.exportOk || !job.notCarried.isEmpty())) {
            QMessageBox box(job.exportOk ? QMessageBox::Information : QMessageBox::Warning,
                            tr("Export"), job.exportMessage, QMessageBox::Ok, m_window);
            if (!job.notCarried.isEmpty()) {
                box.setInformativeText(tr("%n item(s) did not carry over to this format.", "",
                                          int(job.notCarried.size())));
                box.setDetailedText(job.notCarried.join(u'\n'));
            }
            box.exec();
        }
        m_interactive = false;
    };
    runJob(tr("Exporting…"), work, done);
}

void TransferActions::cancel()
{
    if (m_job)
        m_job->cancelled = true;
}

void TransferActions::runJob(const QString &label, std::function<void(Job &)> work,
                             std::function<void(Job &)> done)
{
    m_busy = true;
    m_import->setEnabled(false);
    m_exportMenu->setEnabled(false);
    auto job = std::make_shared<Job>();
    m_job = job;
    if (m_interactive) {
        m_progress = new QProgressDialog(label, tr("Cancel"), 0, 0, m_window);
        m_progress->setWindowModality(Qt::WindowModal);
        m_progress->setMinimumDuration(300); // quick jobs never flash a dialog
        connect(m_progress, &QProgressDialog::canceled, this, &TransferActions::cancel);
    }
    QThread *thread = QThread::create([job, work] { work(*job); });
    connect(thread, &QThread::finished, this, [this, thread, job, done] {
        thread->deleteLater();
        if (m_progress) {
            m_progress->deleteLater();
            m_progress = nullptr;
        }
        m_busy = false;
        m_job.reset();
        m_import->setEnabled(true);
        m_exportMenu->setEnabled(true);
        done(*job);
    });
    thread->start();
}

void TransferActions::showImportReport(const ImportReport &report)
{
    if (report.cancelled)
        return;
    QStringList details;
    for (const ConfigError &e : report.errors)
        details.append(tr("error: %1").arg(e.toString()));
    for (const QString &w : report.warnings)
        details.append(tr("warning: %1").arg(w));
    for (const QString &n : report.notCarried)
        details.append(tr("not carried over: %1").arg(n));
    for (const QString &n : report.notes)
        details.append(tr("note: %1").arg(n));
    const bool failed = !report.errors.empty();
    QMessageBox box(failed ? QMessageBox::Warning : QMessageBox::Information, tr("Import"),
                    failed           ? tr("Nothing was imported: the file has %n problem(s).", "",
                                          int(report.errors.size()))
                    : report.stored ? tr("Imported: %1.").arg(report.summary)
                                    : tr("The file holds the configuration as it is: "
                                         "nothing changed."),
                    QMessageBox::Ok, m_window);
    if (!details.isEmpty()) {
        box.setInformativeText(failed ? report.errors.front().toString()
                                      : tr("%n line(s) in the report.", "", int(details.size())));
        box.setDetailedText(details.join(u'\n'));
    }
    box.exec();
}

} // namespace portico
