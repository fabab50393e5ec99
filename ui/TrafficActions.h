#pragma once

#include "ControlRoom.h"
#include "TrafficReplay.h"

#include "observe/CaptureRecord.h"

#include <QObject>

#include <functional>
#include <vector>

class QAction;
class QMenu;
class QNetworkAccessManager;
class QThread;
class QWidget;

namespace portico {

class ReplayDialog;

// What the Traffic page does with captured requests: copy one as a curl command, send it again
// through the gateway (as captured, or edited first), export rows to HAR, save the whole
// capture and open a saved one. The actions are the page's (toolbar, context menu, shortcuts
// while the page has the focus); the records come from the page through `Source`.
class TrafficActions : public QObject
{
    Q_OBJECT
public:
    struct Source
    {
        std::function<CaptureRecords()> selected; // the selected rows, in table order
        std::function<CaptureRecords()> shown;    // the rows the filter shows
        std::function<CaptureRecords()> all;      // every row, the filter aside
    };

    TrafficActions(ControlRoom room, QWidget *page, Source source);
    ~TrafficActions() override; // waits for a file being written or read

    QAction *copyCurl() const { return m_copyCurl; }
    QAction *replay() const { return m_replay; }
    QAction *editReplay() const { return m_editReplay; }
    QAction *exportSelection() const { return m_exportSelection; }
    QAction *exportShown() const { return m_exportShown; }
    QAction *saveCapture() const { return m_save; }
    QAction *openCapture() const { return m_open; }
    QAction *testRequest() const { return m_test; }
    // Export selection, Export shown, Save capture: for a tool button's menu.
    QMenu *exportMenu() const { return m_exportMenu; }

    // Enables what applies: `selected` and `shown` rows of `all`.
    void update(int selected, int shown, int all);

    // The work behind the actions, without file dialogs (tests, scripts).
    // The selected requests as curl commands, put on the clipboard; returns the text.
    QString copySelectedAsCurl();
    // Sends the selected request again; opens the editor instead when the capture lacks
    // something the request needs (a redacted secret, headers or a body not captured).
    void replaySelected();
    // Opens the editor for the selected request (window-modal); nullptr without a selection.
    ReplayDialog *editAndReplaySelected();
    // Sends `request` through the gateway; false when it is not running.
    bool send(const ReplayRequest &request);
    // Writes a HAR file on a thread of its own; harSaved follows.
    void saveHar(const QString &path, const CaptureRecords &records);
    // Reads a HAR file on a thread of its own; captureOpened or openFailed follows.
    void openFile(const QString &path);

    // Where replays go: the gateway's first listener, reachable from here.
    QString gatewayUrl() const;

Q_SIGNALS:
    void message(const QString &text);
    void captureOpened(const portico::CaptureRecords &records, const QString &path);
    void openFailed(const QString &error);
    void harSaved(bool ok, const QString &message);
    // A replay's answer: its status (0: none came) and a line for the page.
    void replayFinished(int status, const QString &summary);
    void testRequestRequested();

private:
    QAction *makeAction(const char *icon, const QString &text, const QString &objectName,
                        const QKeySequence &shortcut);
    void chooseExport(const CaptureRecords &records, const QString &title);
    void chooseOpen();
    // Runs `work` on a thread of its own, then `done` on this object's thread.
    void inBackground(std::function<void()> work, std::function<void()> done);

    ControlRoom m_room;
    QWidget *m_page;
    Source m_source;
    QNetworkAccessManager *m_network = nullptr; // created on the first replay
    std::vector<QThread *> m_jobs;              // HAR files being written or read
    QAction *m_copyCurl;
    QAction *m_replay;
    QAction *m_editReplay;
    QAction *m_exportSelection;
    QAction *m_exportShown;
    QAction *m_save;
    QAction *m_open;
    QAction *m_test;
    QMenu *m_exportMenu;
};

} // namespace portico
