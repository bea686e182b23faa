<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Vientiane Times</title>
<meta name="keywords" content="Vientiane Times, Laos, Lao news, Vientiane">
<link href="../css/vt_style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function openWin(url) { window.open(url, 'vt', 'width=620,height=480,scrollbars=yes'); }
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><img src="../images/vt_banner.jpg" width="780" height="105" alt="Vientiane Times - Lao's first English newspaper"></td>
  </tr>
  <tr bgcolor="#003366">
    <td colspan="3" height="22">&nbsp;<font color="#FFFFFF"><b>Free stories</b></font></td>
  </tr>
  <tr>
    <td width="150" valign="top" bgcolor="#E6EEF7">
      <table width="150" border="0" cellspacing="0" cellpadding="4">
<tr><td class="menu"><a href="../index.php">Home</a></td></tr>
<tr><td class="menu"><a href="../sub-new/Previous_118/index.php">Previous issue</a></td></tr>
      <tr><td class="menu"><a href="mailto:info@vientianetimes.example">Contact us</a></td></tr>
      <tr><td><img src="../images/spacer.gif" width="1" height="20" alt=""></td></tr>
      <tr><td class="small">Subscribe to the print edition at your nearest newsstand.</td></tr>
      </table>
    </td>
    <td width="10">&nbsp;</td>
    <td width="620" valign="top">
      <h1 class="headline">School meals programme expands to more rural schools</h1>
      <p class="byline"><b>By Sisouk Phommachanh</b></p>
      <p align="justify">A programme that provides lunches for primary school pupils will be extended to more schools in rural districts from the next school year, education officials said.</p>
      <table width="260" border="0" align="right" cellpadding="2" cellspacing="0">
        <tr><td><img src="../images/photos/school_meals.jpg" width="256" height="180" alt=""></td></tr>
        <tr><td class="caption">Pupils eat lunch at a primary school in Xieng Khouang province.</td></tr>
      </table>
      <p align="justify">Parents&#x27; associations grow vegetables and raise fish in school gardens to supplement the rice and canned goods supplied by the programme.</p>
      <p align="justify">Teachers said attendance had improved in schools where meals were served, especially among girls and children from remote villages.</p>
      <p align="justify">The ministry plans to train cooks and village committees to manage the kitchens themselves.</p>
      <p class="small"><a href="javascript:history.back()">&lt;&lt; Back</a> &nbsp; <a href="javascript:window.print()">Print this story</a></p>
    </td>
  </tr>
  <tr>
    <td colspan="3" class="footer" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Copyright &copy; Vientiane Times. All rights reserved.<br>
    Tel: +856 21 216364 &nbsp; Fax: +856 21 216365</font></td>
  </tr>
</table>
</body>
</html>
