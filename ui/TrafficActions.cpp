#include "TrafficActions.h"

#include "HarFiles.h"
#include "dialogs/ReplayDialog.h"
#include "views/PageHeader.h"

#include "net/GatewayEngine.h"
#include "observe/CurlCommand.h"

#include <QAction>
#include <QClipboard>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMenu>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>
#include <QUrl>

#include <memory>

namespace portico {

namespace {

QString harFilter()
{
    return QObject::tr("HTTP Archive (*.har);;All files (*)");
}

QString requestLine(const ReplayRequest &request)
{
    const QUrl url(request.url);
    return QStringLiteral("%1 %2").arg(QString::fromLatin1(request.method),
                                       url.path(QUrl::FullyEncoded)
                                           + (url.hasQuery() ? u'?' + url.query() : QString()));
}

} // namespace

TrafficActions::TrafficActions(ControlRoom room, QWidget *page, Source source)
    : QObject(page)
    , m_room(room)
    , m_page(page)
    , m_source(std::move(source))
{
    m_copyCurl = makeAction("copy", tr("Copy as &curl"), QStringLiteral("copyCurl"),
                            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_replay = makeAction("replay", tr("&Replay"), QStringLiteral("replay"),
                          QKeySequence(Qt::CTRL | Qt::Key_R));
    m_editReplay = makeAction("edit", tr("&Edit and replay…"), QStringLiteral("editReplay"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_exportSelection = makeAction("export", tr("Export &selection to HAR…"),
                                   QStringLiteral("exportSelection"), QKeySequence());
    m_exportShown = makeAction("export", tr("Export all shown to &HAR…"),
                               QStringLiteral("exportShown"), QKeySequence());
    m_save = makeAction("export", tr("&Save capture…"), QStringLiteral("saveCapture"),
                        QKeySequence::Save);
    m_open = makeAction("import", tr("&Open capture…"), QStringLiteral("openCapture"),
                        QKeySequence::Open);
    m_test = makeAction("send", tr("&Test a request…"), QStringLiteral("testRequest"),
                        QKeySequence(Qt::CTRL | Qt::Key_T));
    m_exportShown->setStatusTip(tr("The rows the filter shows, as an HTTP Archive"));
    m_save->setStatusTip(tr("Every row of the table, the filter aside, as an HTTP Archive"));
    m_test->setStatusTip(tr("Build a request and see how the gateway would treat it"));

    m_exportMenu = new QMenu(tr("Export"), page);
    m_exportMenu->setIcon(portIcon("export"));
    m_exportMenu->addAction(m_save);
    m_exportMenu->addAction(m_exportSelection);
    m_exportMenu->addAction(m_exportShown);

    connect(m_copyCurl, &QAction::triggered, this, &TrafficActions::copySelectedAsCurl);
    connect(m_replay, &QAction::triggered, this, &TrafficActions::replaySelected);
    connect(m_editReplay, &QAction::triggered, this, &TrafficActions::editAndReplaySelected);
    connect(m_exportSelection, &QAction::triggered, this,
            [this] { chooseExport(m_source.selected(), tr("Export selection to HAR")); });
    connect(m_exportShown, &QAction::triggered, this,
            [this] { chooseExport(m_source.shown(), tr("Export all shown to HAR")); });
    connect(m_save, &QAction::triggered, this,
            [this] { chooseExport(m_source.all(), tr("Save capture")); });
    connect(m_open, &QAction::triggered, this, &TrafficActions::chooseOpen);
    connect(m_test, &QAction::triggered, this, &TrafficActions::testRequestRequested);
    update(0, 0, 0);
}

QAction *TrafficActions::makeAction(const char *icon, const QString &text,
                                    const QString &objectName, const QKeySequence &shortcut)
{
    if (!shortcut.isEmpty())
        return pageAction(m_page, icon, text, objectName, shortcut, m_page);
    auto *action = new QAction(portIcon(icon), text, m_page);
    action->setObjectName(objectName);
    m_page->addAction(action);
    return action;
}

void TrafficActions::update(int selected, int shown, int all)
{
    m_copyCurl->setEnabled(selected > 0);
    m_replay->setEnabled(selected == 1);
    m_editReplay->setEnabled(selected == 1);
    m_exportSelection->setEnabled(selected > 0);
    m_exportShown->setEnabled(shown > 0);
    m_save->setEnabled(all > 0);
}

QString TrafficActions::copySelectedAsCurl()
{
    QStringList commands;
    for (const CaptureRecordPtr &record : m_source.selected())
        commands.append(curlCommand(*record));
    if (commands.isEmpty())
        return {};
    const QString text = commands.join(QStringLiteral("\n\n"));
    QGuiApplication::clipboard()->setText(text);
    Q_EMIT message(commands.size() == 1
                       ? tr("Copied the request as a curl command")
                       : tr("Copied %1 requests as curl commands").arg(commands.size()));
    return text;
}

QString TrafficActions::gatewayUrl() const
{
    QUrl url(m_room.engine->listenerUrls().value(0));
    if (url.isEmpty())
        return {};
    // A listener on every address is reached on loopback.
    if (url.host() == QLatin1String("0.0.0.0"))
        url.setHost(QStringLiteral("127.0.0.1"));
    else if (url.host() == QLatin1String("::"))
        url.setHost(QStringLiteral("::1"));
    return url.toString(QUrl::StripTrailingSlash);
}

void TrafficActions::replaySelected()
{
    const CaptureRecords selected = m_source.selected();
    if (selected.size() != 1)
        return;
    QStringList notes;
    const ReplayRequest request = replayRequest(*selected.front(), gatewayUrl(), &notes);
    if (!redactedParts(request).isEmpty() || !notes.isEmpty()) {
        editAndReplaySelected(); // sent as is, it would not be the same request
        return;
    }
    send(request);
}

ReplayDialog *TrafficActions::editAndReplaySelected()
{
    const CaptureRecords selected = m_source.selected();
    if (selected.size() != 1)
        return nullptr;
    QStringList notes;
    const ReplayRequest request = replayRequest(*selected.front(), gatewayUrl(), &notes);
    auto *dialog = new ReplayDialog(request, notes, m_page);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { send(dialog->request()); });
    dialog->open();
    return dialog;
}

bool TrafficActions::send(const ReplayRequest &request)
{
    if (!m_room.engine->isRunning() || gatewayUrl().isEmpty()) {
        Q_EMIT message(tr("Not replayed: the gateway is not running"));
        return false;
    }
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkReply *reply = sendReplay(*m_network, request);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    const QString line = requestLine(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, timer, line] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString took = QLocale().toString(double(timer->nsecsElapsed()) / 1e6, 'f', 1);
        const QString summary = status > 0
            ? tr("Replayed %1: %2 in %3 ms").arg(line).arg(status).arg(took)
            : tr("Replay of %1 failed: %2").arg(line, reply->errorString());
        Q_EMIT replayFinished(status, summary);
        Q_EMIT message(summary);
    });
    return true;
}

void TrafficActions::inBackground(std::function<void()> work, std::function<void()> done)
{
    QThread *thread = QThread::create(std::move(work));
    m_jobs.push_back(thread);
    connect(
        thread, &QThread::finished, this,
        [this, thread, done = std::move(done)] {
            std::erase(m_jobs, thread);
            thread->deleteLater();
            done();
        },
        Qt::QueuedConnection);
    thread->start();
}

TrafficActions::~TrafficActions()
{
    for (QThread *thread : m_jobs) {
        thread->wait();
        delete thread;
    }
}

void TrafficActions::saveHar(const QString &path, const CaptureRecords &records)
{
    struct Result
    {
        bool ok = false;
        QString error;
    };
    auto result = std::make_shared<Result>();
    inBackground(
        [path, records, result] { result->ok = writeHarFile(path, records, &result->error); },
        [this, path, count = records.size(), result] {
            const QString what = count == 1 ? tr("1 request") : tr("%1 requests").arg(count);
            const QString text = result->ok
                ? tr("Wrote %1 to %2").arg(what, QFileInfo(path).fileName())
                : result->error;
            Q_EMIT harSaved(result->ok, text);
            Q_EMIT message(text);
        });
}

void TrafficActions::openFile(const QString &path)
{
    struct Result
    {
        CaptureRecords records;
        QString error;
    };
    auto result = std::make_shared<Result>();
    inBackground([path, result] { result->records = readHarFile(path, &result->error); },
                 [this, path, result] {
                     if (!result->error.isEmpty()) {
                         Q_EMIT openFailed(result->error);
                         Q_EMIT message(result->error);
                         return;
                     }
                     Q_EMIT captureOpened(result->records, path);
                 });
}

void TrafficActions::chooseExport(const CaptureRecords &records, const QString &title)
{
    if (records.empty())
        return;
    QString path =
        QFileDialog::getSaveFileName(m_page, title, QStringLiteral("capture.har"), harFilter());
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".har");
    // Chosen in a dialog: a failure is said in a box too.
    auto *once = new QObject(this);
    connect(this, &TrafficActions::harSaved, once,
            [this, once, title](bool ok, const QString &text) {
                once->deleteLater();
                if (!ok)
                    QMessageBox::warning(m_page, title, text);
            });
    saveHar(path, records);
}

void TrafficActions::chooseOpen()
{
    const QString path =
        QFileDialog::getOpenFileName(m_page, tr("Open capture"), QString(), harFilter());
    if (path.isEmpty())
        return;
    auto *once = new QObject(this);
    connect(this, &TrafficActions::captureOpened, once, &QObject::deleteLater);
    connect(this, &TrafficActions::openFailed, once, [this, once](const QString &error) {
        once->deleteLater();
        QMessageBox::warning(m_page, tr("Open capture"), error);
    });
    openFile(path);
}

} // namespace portico
