#pragma once

#include <QFrame>

class QLabel;

namespace portico {

// A framed strip above a table listing what needs attention ("certificate "api" expires in 9
// days"), tinted with the warning colour of the palette; hidden while there is nothing.
class WarningBanner : public QFrame
{
    Q_OBJECT
public:
    explicit WarningBanner(const QString &objectName, QWidget *parent = nullptr);

    void setWarnings(const QStringList &warnings);
    QString text() const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QLabel *m_icon;
    QLabel *m_text;
};

} // namespace portico
